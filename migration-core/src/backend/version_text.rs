//! Text read from the version table without a heap allocation when it is
//! as short as revision ids and checksums are.
//!
//! The start-up call reads two such values from every version row. As
//! `String`s they cost an allocation and a free each, a large part of what
//! the client spends on reading a long history; inline, the whole read
//! allocates once, for the rows' vector. Each backend decodes the type from
//! its raw value, in `backend/<db>/version_table.rs`.

use std::fmt;

/// The most bytes kept inline: a SHA-256 checksum in hex.
const INLINE: usize = 64;

/// A text value of a version row, compared byte for byte.
#[derive(Clone, PartialEq, Eq)]
pub struct VersionText(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    /// At most [`INLINE`] bytes of a `str`, kept in place.
    Inline { len: u8, bytes: [u8; INLINE] },
    /// Anything longer.
    Heap(String),
}

impl VersionText {
    /// The text `value`, inline when it fits.
    pub fn new(value: &str) -> VersionText {
        match u8::try_from(value.len()) {
            Ok(len) if value.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..value.len()].copy_from_slice(value.as_bytes());
                VersionText(Repr::Inline { len, bytes })
            }
            _ => VersionText(Repr::Heap(value.to_owned())),
        }
    }

    /// The text's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Repr::Heap(text) => text.as_bytes(),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always valid: the bytes were copied whole from a `str`.
            Repr::Inline { .. } => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
            Repr::Heap(text) => text,
        }
    }
}

impl PartialEq<str> for VersionText {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl fmt::Display for VersionText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for VersionText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::VersionText;

    #[test]
    fn short_and_long_text_read_back_as_written() {
        let checksum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let long = "x".repeat(65);
        for text in [
            "",
            "a1a1a1a1a1a1",
            "20240101_héllo",
            checksum,
            long.as_str(),
        ] {
            let read = VersionText::new(text);
            assert_eq!(read.as_str(), text);
            assert!(read == *text);
            assert_eq!(read.to_string(), text);
        }
        assert!(VersionText::new("abc") != *"abd");
        assert!(VersionText::new("abc") != *"abc ");
        assert_eq!(VersionText::new(&long), VersionText::new(&long));
    }
}
