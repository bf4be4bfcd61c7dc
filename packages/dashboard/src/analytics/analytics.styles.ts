import { css } from 'lit'

/** The analytics page's layout (after `base`): range bar, figure tiles, chart cards, heat grid, agent table. */
export const analyticsStyles = css`
  :host {
    display: block;
    min-height: 0;
    overflow-y: auto;
    background: var(--bg-soft);
  }
  .page {
    display: grid;
    gap: 16px;
    padding: 16px 24px 32px;
    max-width: 1200px;
  }
  .top {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 16px;
    align-items: center;
  }
  .top .spacer {
    flex: 1;
  }
  fieldset {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 12px;
    align-items: end;
    border: 1px solid var(--line);
    border-radius: var(--radius);
    background: var(--bg);
    padding: 10px 14px 12px;
    margin: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 4px;
  }
  .presets {
    display: flex;
    gap: 4px;
  }
  .presets button[aria-pressed='true'] {
    background: var(--accent-weak);
    border-color: var(--accent);
    color: var(--accent-ink);
    font-weight: 600;
  }
  dl.tiles {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(130px, 1fr));
    gap: 10px;
    margin: 0;
  }
  .tile {
    background: var(--bg);
    border: 1px solid var(--line);
    border-radius: var(--radius);
    padding: 10px 12px;
    display: grid;
    gap: 2px;
    align-content: start;
  }
  .tile dt {
    color: var(--muted);
    font-size: 13px;
  }
  .tile dd {
    margin: 0;
  }
  .tile dd.value {
    font-size: 24px;
    font-weight: 700;
    line-height: 1.2;
  }
  .tile dd.sub {
    font-size: 12px;
  }
  .cards {
    display: grid;
    grid-template-columns: minmax(0, 2fr) minmax(0, 1fr);
    gap: 16px;
  }
  @media (max-width: 1000px) {
    .cards {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  section.card {
    background: var(--bg);
    border: 1px solid var(--line);
    border-radius: var(--radius);
    padding: 12px 16px 16px;
    display: grid;
    gap: 10px;
    min-width: 0;
  }
  .scroll {
    overflow-x: auto;
    /* The containing block of the tables' visually hidden labels: else those past the right edge
       widen the page itself (a sideways scroll on a phone). */
    position: relative;
  }
  table {
    border-collapse: collapse;
  }
  table.agents {
    width: 100%;
  }
  table.agents th,
  table.agents td {
    text-align: left;
    padding: 6px 8px;
    border-bottom: 1px solid var(--line);
  }
  table.agents .num {
    text-align: right;
  }
  table.heat th {
    font-size: 11px;
    font-weight: 500;
    color: var(--muted);
    padding: 2px;
  }
  table.heat th[scope='row'] {
    text-align: left;
    padding-right: 6px;
  }
  table.heat thead td {
    background: none;
    border: 0;
  }
  table.heat td {
    width: 26px;
    height: 24px;
    min-width: 22px;
    text-align: center;
    font-size: 11px;
    border: 2px solid var(--bg);
    border-radius: 4px;
    background: var(--bg-soft);
  }
  /* Text colours keep 4.5:1 on each level. */
  .h1 {
    background: #dbe7fe !important;
  }
  .h2 {
    background: #93b4f7 !important;
  }
  .h3 {
    background: #2563eb !important;
    color: #fff;
  }
  .h4 {
    background: #1e3a8a !important;
    color: #fff;
  }
  .legend {
    display: flex;
    gap: 4px;
    align-items: center;
    font-size: 12px;
  }
  .legend span.swatch {
    width: 16px;
    height: 12px;
    border-radius: 3px;
    background: var(--bg-soft);
    border: 1px solid var(--line);
  }
  .empty {
    background: var(--bg);
    border: 1px dashed var(--line);
    border-radius: var(--radius);
    padding: 32px;
    text-align: center;
    display: grid;
    gap: 4px;
  }
  p {
    margin: 0;
  }
`
