/**
 * Personal data in payloads, by field name: the one definition of which fields may hold it. Read at run
 * time by the receiver (generated into its src/generated/personal.ts by its build, so that the published
 * receiver depends on nothing here), where the drift report describes such a value instead of showing it,
 * and at dev time by redact.ts, which replaces such values by fakes in the fixtures `drift --propose` writes.
 */

/** Field names whose values may identify a person or an account. */
export const personalField = /name|mail|phone|document|doc_?number|cpf|cnpj|iban|account|card|address|birth|tax|passport|ssn|street|city|zip|postal/i;

/** Under a personal field, what says which kind of thing it is (not whose): kept, so a fixture stays valid. */
export const kindField = /^(type|kind|status|currency|country|countryCode|code|scheme|format|locale|language|method|mode)$/i;

export const isPersonalField = (name: string): boolean => personalField.test(name);
