;; drizzle-doc: the top-level statements of a TypeScript module that the
;; extractor reads. One pattern per statement kind; the capture name says the
;; kind. Every pattern is anchored under (program …) so nested code is never
;; mistaken for a module-level declaration.

(program (import_statement source: (string) @source) @import)

(program (export_statement source: (string) @source) @reexport)

(program (export_statement !source (export_clause) @clause) @export_clause)

(program (export_statement declaration: (_) @declaration) @export_declaration)

(program (export_statement value: (_) @value) @export_default)

(program (lexical_declaration) @declaration)

(program (variable_declaration) @declaration)

(program (function_declaration) @declaration)

(program (enum_declaration) @declaration)

(program (class_declaration) @declaration)

(program (abstract_class_declaration) @declaration)

(program (type_alias_declaration) @declaration)

(program (interface_declaration) @declaration)

(program (expression_statement (assignment_expression
  left: (member_expression object: (identifier) @module (#eq? @module "module")
                           property: (property_identifier) @exports (#eq? @exports "exports"))
  right: (_) @value)) @commonjs_export)
