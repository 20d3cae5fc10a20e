//! Field paths as the rules write them.

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
