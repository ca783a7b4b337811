//! Words at a position of a text read as characters: how the figure
//! scanners (`validate::quote`, `import::figures`) look ahead.

/// Whether `word` is written at `chars[i..]`.
pub(crate) fn written_at(chars: &[char], i: usize, word: &str) -> bool {
    word.chars()
        .enumerate()
        .all(|(k, c)| chars.get(i + k) == Some(&c))
}

/// The longest of `words` written at `chars[i..]`.
pub(crate) fn longest_written_at<'w>(
    chars: &[char],
    i: usize,
    words: &[&'w str],
) -> Option<&'w str> {
    words
        .iter()
        .copied()
        .filter(|w| !w.is_empty() && written_at(chars, i, w))
        .max_by_key(|w| w.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_longest_word_at_a_position() {
        let chars: Vec<char> = "约超过100亿元".chars().collect();
        assert!(written_at(&chars, 1, "超过"));
        assert!(!written_at(&chars, 8, "元元"));
        assert_eq!(
            longest_written_at(&chars, 1, &["超", "超过", "过"]),
            Some("超过")
        );
        assert_eq!(longest_written_at(&chars, 0, &["超过", ""]), None);
    }
}
