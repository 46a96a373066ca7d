//! A tenant's brand. Colours end up inside a `style` attribute, so they are
//! parsed into a shape that cannot carry anything but a colour.

use serde::{Deserialize, Serialize};
use std::fmt;

/// `#rrggbb`, lower-case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BrandColor(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a colour of the form #rrggbb")]
pub struct InvalidColor(pub String);

impl BrandColor {
    pub fn parse(input: &str) -> Result<Self, InvalidColor> {
        let hex = input.trim().strip_prefix('#').ok_or_else(|| InvalidColor(input.into()))?;
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(BrandColor(format!("#{}", hex.to_ascii_lowercase())))
        } else {
            Err(InvalidColor(input.into()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// WCAG relative luminance, to pick readable text on a brand background.
    pub fn luminance(&self) -> f64 {
        let channel = |i: usize| {
            let v = u8::from_str_radix(&self.0[i..i + 2], 16).unwrap_or(0) as f64 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    /// Black or white, whichever contrasts more with this colour.
    pub fn readable_text(&self) -> BrandColor {
        let l = self.luminance();
        let contrast_white = 1.05 / (l + 0.05);
        let contrast_black = (l + 0.05) / 0.05;
        BrandColor(if contrast_white >= contrast_black { "#ffffff" } else { "#111111" }.into())
    }
}

impl TryFrom<String> for BrandColor {
    type Error = InvalidColor;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        BrandColor::parse(&value)
    }
}

impl From<BrandColor> for String {
    fn from(value: BrandColor) -> Self {
        value.0
    }
}

impl fmt::Display for BrandColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hex_colours_only() {
        assert_eq!(BrandColor::parse("#1A73E8").unwrap().as_str(), "#1a73e8");
        for bad in ["1a73e8", "#1a73e", "#1a73e8; background:url(x)", "red", "#gggggg", ""] {
            assert!(BrandColor::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn picks_readable_text() {
        assert_eq!(BrandColor::parse("#0b3d91").unwrap().readable_text().as_str(), "#ffffff");
        assert_eq!(BrandColor::parse("#ffd60a").unwrap().readable_text().as_str(), "#111111");
    }
}
