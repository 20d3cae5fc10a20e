//! What differs between the SQL engines: how a JSON value is typed, read
//! and walked, how literals and identifiers are written, and the names of
//! a few functions. Everything else the generator writes is standard SQL
//! that the three engines read alike.

/// An SQL engine the generated query and load script are written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// DuckDB (its JSON extension, built in).
    Duckdb,
    /// PostgreSQL 12 or later (`jsonb`).
    Postgres,
    /// SQLite 3.38 or later (JSON functions built in, `->`).
    Sqlite,
    /// Spark SQL 4.0 or later (`VARIANT`).
    Spark,
}

/// The kinds a JSON value can have, as the dialects test them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JsonKind {
    Number,
    String,
    Bool,
    Array,
    Object,
}

impl Dialect {
    /// The name users write (`--dialect duckdb`).
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Duckdb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Sqlite => "sqlite",
            Dialect::Spark => "spark",
        }
    }

    /// A quoted identifier.
    pub(crate) fn ident(self, name: &str) -> String {
        match self {
            // SQLite reads a double-quoted name that is no column as text:
            // a missing column would pass silently
            Dialect::Sqlite => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A string literal.
    pub(crate) fn string(self, s: &str) -> String {
        match self {
            // Spark reads `\` in a literal as an escape; no line breaks
            // inside a literal, so that a script splits at `;` + newline
            Dialect::Spark => format!(
                "'{}'",
                s.replace('\\', "\\\\")
                    .replace('\'', "\\'")
                    .replace('\n', "\\n")
                    .replace('\r', "\\r")
            ),
            _ => format!("'{}'", s.replace('\'', "''")),
        }
    }

    /// The keyword that keeps a CTE computed once (Spark has none, and
    /// does not copy an expensive expression into several places).
    pub(crate) fn materialized(self) -> &'static str {
        match self {
            Dialect::Spark => "",
            _ => "MATERIALIZED ",
        }
    }

    /// The query or script as the engine reads it: Spark quotes
    /// identifiers with backticks, so `"x"` becomes `` `x` ``.
    pub(crate) fn finish(self, sql: String) -> String {
        if self != Dialect::Spark {
            return sql;
        }
        backticks(&sql)
    }

    /// A double-precision number literal, exact to the last bit.
    pub(crate) fn number(self, n: f64) -> String {
        let text = format!("{n:?}");
        match self {
            Dialect::Sqlite => text,
            _ => format!("CAST('{text}' AS {})", self.double()),
        }
    }

    /// The double-precision type.
    pub(crate) fn double(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Spark => "DOUBLE",
            Dialect::Postgres => "DOUBLE PRECISION",
            Dialect::Sqlite => "REAL",
        }
    }

    /// The JSON type of columns holding lists, objects or mixed kinds.
    pub(crate) fn json_type(self) -> &'static str {
        match self {
            Dialect::Duckdb => "JSON",
            Dialect::Postgres => "JSONB",
            Dialect::Spark => "VARIANT",
            // SQLite keeps JSON text in a BLOB, so that it is told apart
            // from a text value by `typeof`
            Dialect::Sqlite => "BLOB",
        }
    }

    /// The text and boolean column types.
    pub(crate) fn text_type(self) -> &'static str {
        match self {
            Dialect::Spark => "STRING",
            _ => "TEXT",
        }
    }

    /// A table column, whatever its type, as a JSON value; NULL when the
    /// cell is empty.
    pub(crate) fn column_json(self, col: &str) -> String {
        let c = self.ident(col);
        match self {
            Dialect::Duckdb => format!("to_json({c})"),
            Dialect::Postgres => format!("to_jsonb({c})"),
            Dialect::Sqlite => format!(
                "CASE typeof({c}) WHEN 'blob' THEN CAST({c} AS TEXT) WHEN 'null' THEN NULL ELSE json_quote({c}) END"
            ),
            Dialect::Spark => format!("CAST({c} AS VARIANT)"),
        }
    }

    /// A JSON value whose JSON `null` is made SQL NULL (missing).
    pub(crate) fn json_norm(self, x: &str) -> String {
        format!("CASE WHEN {} THEN NULL ELSE {x} END", self.is_json_null(x))
    }

    fn type_of(self, x: &str) -> String {
        match self {
            Dialect::Postgres => format!("jsonb_typeof({x})"),
            Dialect::Spark => format!("schema_of_variant({x})"),
            _ => format!("json_type({x})"),
        }
    }

    fn is_json_null(self, x: &str) -> String {
        let t = self.type_of(x);
        match self {
            Dialect::Duckdb => format!("{t} = 'NULL'"),
            Dialect::Spark => format!("is_variant_null({x})"),
            _ => format!("{t} = 'null'"),
        }
    }

    /// True when the (non-NULL) JSON value `x` is of `kind`.
    pub(crate) fn is_kind(self, x: &str, kind: JsonKind) -> String {
        if let Some(col) = field_column(x) {
            return format!("\"{col}_t\" = '{}'", kind_name(kind));
        }
        self.is_kind_of(x, kind)
    }

    /// The kind of the JSON value `x`, as [`kind_name`] names it.
    pub(crate) fn kind_of(self, x: &str) -> String {
        if self == Dialect::Spark {
            // the schema's first word, computed once
            return format!(
                "CASE regexp_extract({}, '^[A-Z]+', 0) WHEN 'BIGINT' THEN 'number' WHEN 'INT' THEN 'number' \
                 WHEN 'SMALLINT' THEN 'number' WHEN 'TINYINT' THEN 'number' WHEN 'DOUBLE' THEN 'number' \
                 WHEN 'FLOAT' THEN 'number' WHEN 'DECIMAL' THEN 'number' WHEN 'STRING' THEN 'string' \
                 WHEN 'BOOLEAN' THEN 'bool' WHEN 'ARRAY' THEN 'array' WHEN 'OBJECT' THEN 'object' END",
                self.type_of(x)
            );
        }
        let cases: Vec<String> = [
            JsonKind::Number,
            JsonKind::String,
            JsonKind::Bool,
            JsonKind::Array,
            JsonKind::Object,
        ]
        .into_iter()
        .map(|k| format!("WHEN {} THEN '{}'", self.is_kind_of(x, k), kind_name(k)))
        .collect();
        format!("CASE {} END", cases.join(" "))
    }

    fn is_kind_of(self, x: &str, kind: JsonKind) -> String {
        if self == Dialect::Spark {
            let t = self.type_of(x);
            return match kind {
                JsonKind::Number => format!(
                    "(regexp_extract({t}, '^[A-Z]+', 0) IN ('BIGINT', 'INT', 'SMALLINT', 'TINYINT', 'DOUBLE', 'FLOAT', 'DECIMAL'))"
                ),
                JsonKind::String => format!("({t} = 'STRING')"),
                JsonKind::Bool => format!("({t} = 'BOOLEAN')"),
                JsonKind::Array => format!("startswith({t}, 'ARRAY<')"),
                JsonKind::Object => format!("startswith({t}, 'OBJECT<')"),
            };
        }
        let t = self.type_of(x);
        let names: &[&str] = match (self, kind) {
            (Dialect::Duckdb, JsonKind::Number) => &["BIGINT", "UBIGINT", "HUGEINT", "DOUBLE"],
            (Dialect::Duckdb, JsonKind::String) => &["VARCHAR"],
            (Dialect::Duckdb, JsonKind::Bool) => &["BOOLEAN"],
            (Dialect::Duckdb, JsonKind::Array) => &["ARRAY"],
            (Dialect::Duckdb, JsonKind::Object) => &["OBJECT"],
            (Dialect::Sqlite, JsonKind::Number) => &["integer", "real"],
            (Dialect::Sqlite, JsonKind::String) => &["text"],
            (Dialect::Sqlite, JsonKind::Bool) => &["true", "false"],
            (_, JsonKind::Number) => &["number"],
            (_, JsonKind::String) => &["string"],
            (_, JsonKind::Bool) => &["boolean"],
            (_, JsonKind::Array) => &["array"],
            (_, JsonKind::Object) => &["object"],
        };
        match names {
            [one] => format!("{t} = '{one}'"),
            _ => {
                let list: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
                format!("{t} IN ({})", list.join(", "))
            }
        }
    }

    /// A JSON list or object as a key to partition by, equal for lists
    /// the interpreter calls equal: PostgreSQL's `jsonb` compares by
    /// value; DuckDB and SQLite rewrite a list element by element (each
    /// number in its shortest exact form, so `[1]` and `[1.0]` agree),
    /// and compare an object, or a list inside the list, by its JSON text.
    pub(crate) fn json_group_key(self, x: &str) -> String {
        match self {
            Dialect::Postgres => x.to_string(),
            Dialect::Duckdb => {
                let t = "json_type(__k)";
                let elem = format!(
                    "CASE WHEN __k IS NULL OR {t} = 'NULL' THEN 'm' \
                     WHEN {} THEN 'n' || CAST(CAST(__k AS DOUBLE) + 0.0 AS VARCHAR) \
                     WHEN {t} = 'VARCHAR' THEN 's' || json_extract_string(__k, '$') \
                     ELSE 'j' || CAST(__k AS VARCHAR) END",
                    self.is_kind_of("__k", JsonKind::Number)
                );
                format!(
                    "CASE WHEN json_type({x}) = 'ARRAY' THEN CAST(to_json(list_transform(CAST({x} AS JSON[]), lambda __k: {elem})) AS VARCHAR) ELSE CAST({x} AS VARCHAR) END"
                )
            }
            _ => {
                let elem = "CASE __k.type WHEN 'null' THEN 'm' \
                     WHEN 'integer' THEN 'n' || printf('%!.17g', __k.value + 0.0) \
                     WHEN 'real' THEN 'n' || printf('%!.17g', __k.value + 0.0) \
                     WHEN 'text' THEN 's' || __k.value \
                     WHEN 'true' THEN 'jtrue' WHEN 'false' THEN 'jfalse' \
                     ELSE 'j' || __k.value END";
                format!(
                    "CASE WHEN json_type({x}) = 'array' THEN (SELECT json_group_array({elem}) FROM json_each({x}) AS __k) ELSE CAST({x} AS TEXT) END"
                )
            }
        }
    }

    /// True when the JSON value `x` cannot be a cohort's group: an
    /// object, or a list holding a list or an object (the interpreter's
    /// wrong kind for a group).
    pub(crate) fn json_ungroupable(self, x: &str) -> String {
        let nested = match self {
            Dialect::Postgres => format!(
                "EXISTS (SELECT 1 FROM jsonb_array_elements({x}) AS __e \
                 WHERE jsonb_typeof(__e) IN ('array', 'object'))"
            ),
            Dialect::Duckdb => format!(
                "len(list_filter(CAST({x} AS JSON[]), lambda __e: json_type(__e) IN ('ARRAY', 'OBJECT'))) > 0"
            ),
            _ => format!(
                "EXISTS (SELECT 1 FROM json_each({x}) AS __e WHERE __e.type IN ('array', 'object'))"
            ),
        };
        format!(
            "({} OR CASE WHEN {} THEN {nested} ELSE FALSE END)",
            self.is_kind(x, JsonKind::Object),
            self.is_kind(x, JsonKind::Array)
        )
    }

    /// The number a JSON number holds.
    pub(crate) fn json_number(self, x: &str) -> String {
        if let Some(col) = field_column(x) {
            return format!("\"{col}_n\"");
        }
        self.json_number_of(x)
    }

    /// [`Dialect::json_number`] computed from the JSON value.
    pub(crate) fn json_number_of(self, x: &str) -> String {
        match self {
            Dialect::Sqlite => format!("CAST(json_extract({x}, '$') AS REAL)"),
            Dialect::Spark => format!("try_variant_get({x}, '$', 'double')"),
            _ => format!("CAST({x} AS {})", self.double()),
        }
    }

    /// The text a JSON string holds.
    pub(crate) fn json_text(self, x: &str) -> String {
        if let Some(col) = field_column(x) {
            return format!("\"{col}_s\"");
        }
        self.json_text_of(x)
    }

    /// [`Dialect::json_text`] computed from the JSON value.
    pub(crate) fn json_text_of(self, x: &str) -> String {
        match self {
            Dialect::Duckdb => format!("json_extract_string({x}, '$')"),
            Dialect::Postgres => format!("({x} #>> '{{}}')"),
            Dialect::Spark => format!("try_variant_get({x}, '$', 'string')"),
            _ => format!("json_extract({x}, '$')"),
        }
    }

    /// The truth a JSON boolean holds.
    pub(crate) fn json_bool(self, x: &str) -> String {
        match self {
            Dialect::Sqlite => format!("(json_type({x}) = 'true')"),
            Dialect::Spark => format!("try_variant_get({x}, '$', 'boolean')"),
            _ => format!("CAST({x} AS BOOLEAN)"),
        }
    }

    /// The member `key` of a JSON object (NULL when absent), as JSON.
    /// `None` when the key cannot be written in this dialect's paths.
    pub(crate) fn json_get(self, x: &str, key: &str) -> Option<String> {
        match self {
            Dialect::Duckdb => {
                let pointer = key.replace('~', "~0").replace('/', "~1");
                Some(format!(
                    "json_extract({x}, {})",
                    self.string(&format!("/{pointer}"))
                ))
            }
            Dialect::Postgres => Some(format!("({x} -> {})", self.string(key))),
            Dialect::Sqlite => {
                if key.contains('"') || key.contains('\\') {
                    return None;
                }
                Some(format!("({x} -> {})", self.string(&format!("$.\"{key}\""))))
            }
            Dialect::Spark => {
                if key.contains(['"', '\\', '[', ']', '\'']) {
                    return None;
                }
                Some(format!(
                    "variant_get({x}, {})",
                    self.string(&format!("$[\"{key}\"]"))
                ))
            }
        }
    }

    /// A FROM item that walks the elements of the JSON array `x`, aliased
    /// `alias`, and the expression of one element as JSON (missing as NULL).
    pub(crate) fn elements(self, x: &str, alias: &str) -> (String, String) {
        match self {
            // walked with higher-order functions (walk.rs), not a FROM item
            Dialect::Spark => (
                format!("try_variant_get({x}, '$', 'array<variant>')"),
                self.json_norm(alias),
            ),
            Dialect::Duckdb => (
                format!("unnest(CAST({x} AS JSON[])) AS {alias}(e)"),
                self.json_norm(&format!("{alias}.e")),
            ),
            Dialect::Postgres => (
                format!("jsonb_array_elements({x}) AS {alias}(e)"),
                self.json_norm(&format!("{alias}.e")),
            ),
            _ => (
                format!("json_each({x}) AS {alias}"),
                format!(
                    "CASE {alias}.type WHEN 'null' THEN NULL WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' \
                     WHEN 'array' THEN {alias}.value WHEN 'object' THEN {alias}.value ELSE json_quote({alias}.value) END"
                ),
            ),
        }
    }

    /// The JSON value of a number, text or boolean SQL value.
    pub(crate) fn to_json(self, x: &str, is_bool: bool) -> String {
        // SQLite's json_quote(NULL) is the text `null`: missing stays NULL
        let json = self.to_json_of(x, is_bool);
        format!("CASE WHEN {x} IS NULL THEN NULL ELSE {json} END")
    }

    fn to_json_of(self, x: &str, is_bool: bool) -> String {
        match self {
            Dialect::Postgres => format!("to_jsonb({x})"),
            Dialect::Spark => format!("CAST({x} AS VARIANT)"),
            Dialect::Sqlite if is_bool => {
                format!("CASE WHEN {x} THEN 'true' WHEN NOT {x} THEN 'false' END")
            }
            Dialect::Sqlite => format!("json_quote({x})"),
            _ => format!("to_json({x})"),
        }
    }

    /// The number of elements of a JSON array.
    pub(crate) fn array_length(self, x: &str) -> String {
        match self {
            Dialect::Postgres => format!("jsonb_array_length({x})"),
            Dialect::Spark => format!("size(try_variant_get({x}, '$', 'array<variant>'))"),
            _ => format!("json_array_length({x})"),
        }
    }

    /// The number of members of a JSON object.
    pub(crate) fn object_length(self, x: &str) -> String {
        match self {
            Dialect::Duckdb => format!("len(json_keys({x}))"),
            Dialect::Postgres => format!("(SELECT count(*) FROM jsonb_object_keys({x}))"),
            Dialect::Spark => format!("size(try_variant_get({x}, '$', 'map<string,variant>'))"),
            _ => format!("(SELECT count(*) FROM json_each({x}))"),
        }
    }

    /// The smaller (`least`) or larger of several numbers, none NULL.
    pub(crate) fn least(self, min: bool, args: &[String]) -> String {
        let name = match (self, min) {
            (Dialect::Sqlite, true) => "min",
            (Dialect::Sqlite, false) => "max",
            (_, true) => "least",
            (_, false) => "greatest",
        };
        format!("{name}({})", args.join(", "))
    }

    /// True when text `a` holds text `b`.
    pub(crate) fn contains(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Sqlite | Dialect::Spark => format!("(instr({a}, {b}) > 0)"),
            _ => format!("(strpos({a}, {b}) > 0)"),
        }
    }

    /// The number of characters (code points) of a text.
    pub(crate) fn char_length(self, x: &str) -> String {
        match self {
            Dialect::Postgres => format!("CAST(char_length({x}) AS {})", self.double()),
            _ => format!("CAST(length({x}) AS {})", self.double()),
        }
    }

    /// The base-10 logarithm.
    pub(crate) fn log10(self, x: &str) -> String {
        match self {
            Dialect::Postgres => format!("log({x})"),
            _ => format!("log10({x})"),
        }
    }

    /// A comparison of two texts by code point, as the interpreter orders them.
    pub(crate) fn text_order(self, a: &str, op: &str, b: &str) -> String {
        match self {
            Dialect::Postgres => format!("({a} COLLATE \"C\" {op} {b} COLLATE \"C\")"),
            _ => format!("({a} {op} {b})"),
        }
    }

    /// The characters Rust's `trim` removes (Unicode White_Space).
    pub(crate) fn trim(self, x: &str) -> String {
        const SPACE: &[u32] = &[
            0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
            0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
            0x3000,
        ];
        let chars: String = SPACE.iter().filter_map(|c| char::from_u32(*c)).collect();
        match self {
            Dialect::Postgres => format!("btrim({x}, {})", self.string(&chars)),
            Dialect::Spark => format!("TRIM(BOTH {} FROM {x})", self.string(&chars)),
            _ => format!("trim({x}, {})", self.string(&chars)),
        }
    }

    /// True when the text `x` holds only characters of the class `chars`
    /// (written as in a regex class: `0-9.,_`).
    pub(crate) fn only_chars(self, x: &str, chars: &str) -> String {
        match self {
            Dialect::Postgres => format!("({x} ~ '^[{chars}]*$')"),
            Dialect::Duckdb => format!("regexp_full_match({x}, '[{chars}]*')"),
            Dialect::Spark => format!("(NOT ({x} RLIKE '[^{chars}]'))"),
            _ => format!("(NOT ({x} GLOB '*[^{chars}]*'))"),
        }
    }

    /// True when the text `x` holds a character of the class `chars`.
    pub(crate) fn has_char(self, x: &str, chars: &str) -> String {
        match self {
            Dialect::Postgres => format!("({x} ~ '[{chars}]')"),
            Dialect::Duckdb => format!("regexp_matches({x}, '[{chars}]')"),
            Dialect::Spark => format!("({x} RLIKE '[{chars}]')"),
            _ => format!("({x} GLOB '*[{chars}]*')"),
        }
    }
}

impl Dialect {
    /// The text `x` with the `;` at its end removed.
    pub(crate) fn rtrim_semicolons(self, x: &str) -> String {
        match self {
            // Spark's two-argument rtrim takes its arguments the other way round
            Dialect::Spark => format!("TRIM(TRAILING ';' FROM {x})"),
            _ => format!("rtrim({x}, ';')"),
        }
    }

    /// `floor` or `ceil` of a double, as a double. Spark's give a BIGINT,
    /// which overflows (an error under ANSI) past 2^63: a double of
    /// 2^52 or more is a whole number already.
    pub(crate) fn floor(self, f: &str, x: &str) -> String {
        match self {
            Dialect::Spark => format!(
                "CASE WHEN abs({x}) >= {} THEN {x} ELSE CAST({f}({x}) AS DOUBLE) END",
                self.number(4503599627370496.0)
            ),
            _ => format!("{f}({x})"),
        }
    }

    /// Text read as a double, NULL when it is not one (the text has been
    /// checked; Spark's `try_cast` keeps an ANSI session from stopping).
    pub(crate) fn text_to_double(self, x: &str) -> String {
        match self {
            Dialect::Spark => format!("try_cast({x} AS DOUBLE)"),
            _ => format!("CAST({x} AS {})", self.double()),
        }
    }
}

/// `"name"` written `` `name` `` (SQL text with Spark's string literals,
/// where `\` escapes the next character).
fn backticks(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                out.push(c);
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.extend(chars.next()),
                        '\'' => break,
                        _ => {}
                    }
                }
            }
            '"' => {
                out.push('`');
                while let Some(c) = chars.next() {
                    match c {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            out.push('"');
                        }
                        '"' => break,
                        '`' => out.push_str("``"),
                        c => out.push(c),
                    }
                }
                out.push('`');
            }
            c => out.push(c),
        }
    }
    out
}

/// The name of a JSON kind in the typed columns of fields (`"__f3_t"`).
fn kind_name(k: JsonKind) -> &'static str {
    match k {
        JsonKind::Number => "number",
        JsonKind::String => "string",
        JsonKind::Bool => "bool",
        JsonKind::Array => "array",
        JsonKind::Object => "object",
    }
}

/// `__f3` when `x` is the column `"__f3"` of a field, whose kind (`_t`),
/// number (`_n`) and text (`_s`) the first step computes once per record.
fn field_column(x: &str) -> Option<&str> {
    let inner = x.strip_prefix('"')?.strip_suffix('"')?;
    let digits = inner.strip_prefix("__f")?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(inner)
}
