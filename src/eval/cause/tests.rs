use std::borrow::Cow;
use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::eval::value::Missing;
use crate::language::value::json_of;

/// A value shown is written as the value itself is, whether its text
/// is kept or read back from its JSON.
#[test]
fn a_value_shown_reads_as_the_value() {
    let long = "é \"q\" ".repeat(20);
    let record = json!(["fashion", 3, null, {"a": 1}, [1.5, "x"], true, 1e300, "b"]);
    let (sixty, sixty_one) = ("s".repeat(60), "s".repeat(61));
    let object = json!({"a": 1, "b": 2});
    let Json::Array(items) = &record else {
        unreachable!("an array")
    };
    let Json::Object(map) = &object else {
        unreachable!("an object")
    };
    let values = [
        Value::Number(95170.0),
        Value::Number(0.0263),
        Value::Number(-0.0),
        Value::Number(1e20),
        Value::Number(-2.5e-9),
        Value::Number(f64::INFINITY),
        Value::Bool(false),
        Value::Str(Cow::Borrowed("PH")),
        Value::Str(Cow::Borrowed("tab\there, \\ and \"quotes\"")),
        Value::Str(Cow::Owned(long)),
        Value::Str(Cow::Borrowed(&sixty)),
        Value::Str(Cow::Borrowed(&sixty_one)),
        Value::Str(Cow::Borrowed("ünïcode")),
        Value::Date(1_700_000_000),
        Value::Missing(Missing::Field(3)),
        Value::Object(map),
        Value::List(List::Json(items)),
        Value::List(List::Built(Arc::from(vec![
            Value::Number(1.0),
            Value::Str(Cow::Borrowed("a")),
        ]))),
        Value::List(List::Built(Arc::from(vec![
            Value::Number(2.0),
            Value::Date(0),
        ]))),
        Value::List(List::Built(Arc::from(
            (0..9)
                .map(|i| Value::Number(f64::from(i)))
                .collect::<Vec<_>>(),
        ))),
    ];
    for v in &values {
        let shown = Shown::of(v);
        assert_eq!(shown.to_string(), v.to_string(), "{v:?}");
        assert_eq!(shown.text(), v.to_string(), "{v:?}");
        assert_eq!(shown.json(), &json_of(v), "{v:?}");
    }
}
