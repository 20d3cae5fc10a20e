//! Field paths as the rules write them, and how to read a key of each
//! element of a list (the help the checker and the evaluator both give).

/// A field path as it is written in rules: `audience.female_share`, or
/// `creator["#Followers"]` for names that are not plain words.
pub fn path_syntax(path: &[String]) -> String {
    let plain = |k: &str| {
        k.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if path.iter().all(|k| plain(k)) {
        path.join(".")
    } else {
        let keys: String = path.iter().map(|k| format!("[{k:?}]")).collect();
        format!("creator{keys}")
    }
}

/// How to read `key` of every element of the list written `list`: the
/// help for `recentPosts.likes` when `recentPosts` is a list.
pub fn each_element_help(list: &str, key: &str) -> String {
    let p = list
        .chars()
        .find(|c| c.is_ascii_alphabetic())
        .map_or('x', |c| c.to_ascii_lowercase());
    let simple = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    let read = if simple {
        format!("{p}.{key}")
    } else {
        format!("{p}[{key:?}]")
    };
    format!(
        "to read `{key}` of each element write `map({list}, {p} => {read})`, or aggregate it: `sum({list}, {p} => {read})`"
    )
}
