//! The kinds of value a rule can meet, as messages name them.

/// The kinds of value, as named in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// number
    Number,
    /// string
    String,
    /// bool
    Bool,
    /// list
    List,
    /// object
    Object,
    /// date
    Date,
}

impl Kind {
    /// "a number", "a string", ...
    pub fn article(self) -> &'static str {
        match self {
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Bool => "a true/false value",
            Kind::List => "a list",
            Kind::Object => "an object",
            Kind::Date => "a date",
        }
    }
}
