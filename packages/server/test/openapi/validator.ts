// Checks real answers against the OpenAPI document with ajv (JSON Schema 2020-12, the dialect of
// OpenAPI 3.1): the operation by method and path pattern, the response by status (or `default`),
// the media type by Content-Type, and a JSON body by the response's schema.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { Response } from 'supertest'

// ajv-formats is CommonJS with its function as module.exports.default.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>
}

const escape = (segment: string) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'))
const mediaType = (type: string) => type.split(';')[0]!.trim().toLowerCase()

export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true })
  private readonly compiled = new Map<string, ValidateFunction>()
  /** Every answer checked, as `METHOD path status`. */
  readonly checked: string[] = []

  constructor(private readonly doc: Doc) {
    addFormats(this.ajv)
    this.ajv.addSchema(doc as object, 'doc')
  }

  /**
   * Throws unless the answer is one the document allows for `method` on `pattern` (an Express
   * path like /api/sites/:siteId/agents): a listed status (2xx ones must be listed; others may
   * fall to `default`), a listed media type, and a JSON body that matches the schema.
   */
  check(method: string, pattern: string, res: Pick<Response, 'status' | 'headers' | 'body' | 'text'>): void {
    const problems = this.problems(method, pattern, res.status, res.headers['content-type'], res.status === 204 ? undefined : res.body)
    if (problems) throw new Error(`${method.toUpperCase()} ${pattern} answered ${res.status}, not as the OpenAPI document says: ${problems}\n${(res.text ?? '').slice(0, 500)}`)
    this.checked.push(`${method.toUpperCase()} ${pattern} ${res.status}`)
  }

  /** What is wrong with an answer, or null when it matches the document. */
  problems(method: string, pattern: string, status: number, contentType: string | undefined, body: unknown): string | null {
    const path = pattern.replace(/:(\w+)/g, '{$1}')
    const op = this.doc.paths[path]?.[method.toLowerCase()]
    if (!op) return `the document has no operation ${method.toUpperCase()} ${path}`
    const key = String(status) in op.responses ? String(status) : status >= 400 && 'default' in op.responses ? 'default' : undefined
    if (!key) return `status ${status} is not listed (listed: ${Object.keys(op.responses).join(', ')})`
    const content = op.responses[key]!.content
    if (!content) return contentType && body !== undefined && body !== '' && !isEmpty(body) ? `a body (${contentType}) where the document says none` : null
    if (!contentType) return `no Content-Type (expected one of ${Object.keys(content).join(', ')})`
    const type = Object.keys(content).find((t) => t === '*/*' || mediaType(t) === mediaType(contentType))
    if (!type) return `Content-Type ${contentType} is not listed (listed: ${Object.keys(content).join(', ')})`
    if (mediaType(type) !== 'application/json') return null
    return this.validate(`doc#/paths/${escape(path)}/${method.toLowerCase()}/responses/${key}/content/${escape(type)}/schema`, body)
  }

  /** What is wrong with a JSON request body for `method` on `pattern`, or null when the document allows it. */
  requestProblems(method: string, pattern: string, body: unknown): string | null {
    return this.validate(`doc#/paths/${escape(pattern.replace(/:(\w+)/g, '{$1}'))}/${method.toLowerCase()}/requestBody/content/${escape('application/json')}/schema`, body)
  }

  private validate(ref: string, body: unknown): string | null {
    let validate = this.compiled.get(ref)
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref })
      this.compiled.set(ref, validate)
    }
    return validate(body) ? null : this.ajv.errorsText(validate.errors, { dataVar: 'body' })
  }
}

const isEmpty = (v: unknown) => typeof v === 'object' && v !== null && Object.keys(v).length === 0
