/**
 * The English strings of the edit chunk (edit.ts), kept out of the core: the chunk falls back to
 * them when the language in use has none (English; every other language file translates them).
 */
export const enEdit = {
  edit: 'Edit',
  unsend: 'Unsend',
  save: 'Save',
  cancel: 'Cancel',
  late: 'It is too late to change this message',
}
