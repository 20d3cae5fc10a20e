//! The sparse decoder keeps what it is asked to, checks what it skips,
//! and finds a key given twice wherever it is.

use super::*;
use serde_json::json;

#[test]
fn keeps_only_wanted_fields_and_names_the_rest() {
    let filter = FieldFilter::only(["followers", "audience"]);
    let mut unread = Vec::new();
    let v = decode(
        r#"{"handle": "a\"b", "followers": 12, "bio": "x", "audience": {"f": [1, {"g": null}]}}"#,
        &filter,
        Some(&mut unread),
    )
    .unwrap();
    assert_eq!(
        v,
        json!({"followers": 12, "audience": {"f": [1, {"g": null}]}})
    );
    assert_eq!(unread, ["handle", "bio"]);
}

#[test]
fn non_objects_keep_their_kind_and_bad_json_is_an_error() {
    let filter = FieldFilter::only(["x"]);
    assert_eq!(decode("[1, 2]", &filter, None).unwrap(), json!([]));
    assert_eq!(decode("42", &filter, None).unwrap(), json!(42));
    assert_eq!(decode("null", &filter, None).unwrap(), Json::Null);
    assert!(decode(r#"{"x": 1,}"#, &filter, None).is_err());
    assert!(decode(r#"{"x": 1} 2"#, &filter, None).is_err());
    assert!(
        decode(r#"{"y": [1, }"#, &filter, None).is_err(),
        "skipped fields are still checked"
    );
}

mod keys_twice {
    use super::*;

    fn many(n: usize, again: Option<usize>) -> String {
        let mut keys: Vec<String> = (0..n).map(|i| format!("\"k{i}\": {i}")).collect();
        if let Some(i) = again {
            keys.push(format!("\"k{i}\": 0"));
        }
        format!(
            "{{\"handle\": \"a\", \"skipped\": {{{}}}}}",
            keys.join(", ")
        )
    }

    #[test]
    fn a_key_given_twice_is_found_wherever_it_is() {
        let filter = FieldFilter::only(["handle"]);
        for n in [1, 23, 24, 25, 200] {
            assert!(decode(&many(n, None), &filter, None).is_ok(), "{n} keys");
            let e = decode(&many(n, Some(n / 2)), &filter, None).unwrap_err();
            assert!(
                e.to_string()
                    .starts_with(&format!("the key `k{}` appears twice", n / 2)),
                "{n}: {e}"
            );
            let e = decode(&many(n, Some(n / 2)), &FieldFilter::all(), None).unwrap_err();
            assert!(e.to_string().contains("appears twice"), "{e}");
        }
        // at the top level, read or skipped
        for text in [
            r#"{"handle": 1, "handle": 2}"#,
            r#"{"bio": 1, "x": 0, "bio": 2}"#,
        ] {
            let e = decode(text, &filter, None).unwrap_err();
            assert!(e.to_string().contains("appears twice in one object"), "{e}");
        }
    }
}
