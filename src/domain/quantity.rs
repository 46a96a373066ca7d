//! A quantity of some unit, whole or decimal (2.5 LB, 1.00 EA, 0.125 KG),
//! exact to a thousandth of the unit. It is kept as a whole number of
//! thousandths so sums and comparisons are exact (0.1 + 0.2 is 0.3 here, not
//! 0.30000000000000004) and the database stores an integer.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};
use std::str::FromStr;

/// Thousandths of a unit.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(transparent))]
pub struct Quantity(i64);

/// Why a text is not a quantity.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum QuantityError {
    NotANumber,
    /// More than three decimals (0.0001).
    TooPrecise,
    /// Beyond a billion units either way.
    TooLarge,
    /// `1,000`: a thousands separator or a decimal comma?
    AmbiguousComma,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuantityError::NotANumber => "not a number",
            QuantityError::TooPrecise => "more than three decimals",
            QuantityError::TooLarge => "more than a billion",
            QuantityError::AmbiguousComma => "a comma that could mean thousands or decimals",
        })
    }
}

impl std::error::Error for QuantityError {}

const SCALE: i64 = 1_000;
/// A billion units: more than any order line, small enough that sums of
/// millions of lines cannot overflow.
const LIMIT: i64 = 1_000_000_000 * SCALE;

impl Quantity {
    pub const ZERO: Quantity = Quantity(0);

    /// `n` whole units.
    pub const fn whole(n: i64) -> Quantity {
        Quantity(n * SCALE)
    }

    /// As stored: thousandths of the unit.
    pub const fn from_thousandths(thousandths: i64) -> Quantity {
        Quantity(thousandths)
    }

    pub const fn thousandths(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// For charts and ratios, never for arithmetic that is shown.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    /// What a person typed in a form: a decimal point, or a decimal comma
    /// as much of Europe writes it (`2,5`). `1,000` is refused rather than
    /// guessed: an English reader means a thousand, a German one means one.
    pub fn from_typed(text: &str) -> Result<Quantity, QuantityError> {
        let text = text.trim();
        match text.split_once(',') {
            None => text.parse(),
            Some((_, after)) if text.contains('.') || after.contains(',') => Err(QuantityError::NotANumber),
            Some((_, after)) if after.len() == 3 => Err(QuantityError::AmbiguousComma),
            Some(_) => text.replacen(',', ".", 1).parse(),
        }
    }

    /// `self - other`, or zero when `other` is larger.
    pub fn saturating_sub(self, other: Quantity) -> Quantity {
        Quantity((self.0 - other.0).max(0))
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    /// `12`, `12.0`, `2.5`, `-1`, `.5`; at most three decimals (trailing
    /// zeros beyond them are fine: `1.0000`).
    fn from_str(text: &str) -> Result<Quantity, QuantityError> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
            return Err(QuantityError::NotANumber);
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > 3 {
            return Err(QuantityError::TooPrecise);
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 10 {
            return Err(QuantityError::TooLarge);
        }
        let units: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| QuantityError::TooLarge)? };
        let thousandths: i64 = format!("{fraction:0<3}").parse().expect("three digits");
        let value = units * SCALE + thousandths;
        if value > LIMIT {
            return Err(QuantityError::TooLarge);
        }
        Ok(Quantity(if negative { -value } else { value }))
    }
}

impl fmt::Display for Quantity {
    /// The shortest exact form: `3`, `2.5`, `0.125`, `-1.75`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (units, thousandths) = (self.0.abs() / SCALE, self.0.abs() % SCALE);
        let text = if thousandths == 0 {
            format!("{sign}{units}")
        } else {
            let fraction = format!("{thousandths:03}");
            format!("{sign}{units}.{}", fraction.trim_end_matches('0'))
        };
        f.pad(&text)
    }
}

impl Add for Quantity {
    type Output = Quantity;
    fn add(self, other: Quantity) -> Quantity {
        Quantity(self.0 + other.0)
    }
}

impl AddAssign for Quantity {
    fn add_assign(&mut self, other: Quantity) {
        self.0 += other.0;
    }
}

impl Sub for Quantity {
    type Output = Quantity;
    fn sub(self, other: Quantity) -> Quantity {
        Quantity(self.0 - other.0)
    }
}

impl Sum for Quantity {
    fn sum<I: Iterator<Item = Quantity>>(iter: I) -> Quantity {
        iter.fold(Quantity::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Quantity> for Quantity {
    fn sum<I: Iterator<Item = &'a Quantity>>(iter: I) -> Quantity {
        iter.copied().sum()
    }
}

/// A JSON number: an integer when whole (`3`), else a decimal (`2.5`).
impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % SCALE == 0 {
            serializer.serialize_i64(self.0 / SCALE)
        } else {
            serializer.serialize_f64(self.as_f64())
        }
    }
}

/// From a JSON number: `3`, `3.0`, `2.5`. JSON numbers are doubles, which
/// hold most decimals only approximately (a sender computing 1234567 × 0.001
/// writes 1234.5670000000002), so a number within a double's rounding of a
/// thousandth (a relative 1e-12) is read as that thousandth; `0.0005` and
/// `1.0000000001` are refused.
impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Quantity, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a quantity: a number with at most three decimals")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
                self.visit_f64(v as f64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
                let scaled = v * SCALE as f64;
                let nearest = scaled.round();
                if !scaled.is_finite() || nearest.abs() > LIMIT as f64 {
                    return Err(E::custom(format!("a quantity of at most a billion, found {v}")));
                }
                if (scaled - nearest).abs() > 1e-12 * nearest.abs().max(1_000.0) {
                    return Err(E::custom(format!("a quantity with at most three decimals, found {v}")));
                }
                Ok(Quantity(nearest as i64))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        text.parse().unwrap()
    }

    #[test]
    fn reads_whole_and_decimal_forms_exactly() {
        assert_eq!(q("12"), Quantity::whole(12));
        assert_eq!(q("12.0"), Quantity::whole(12));
        assert_eq!(q("1.00"), Quantity::whole(1));
        assert_eq!(q("2.5").thousandths(), 2_500);
        assert_eq!(q(".5").thousandths(), 500);
        assert_eq!(q("0.125").thousandths(), 125);
        assert_eq!(q("-1.75").thousandths(), -1_750);
        assert_eq!(q("007"), Quantity::whole(7));
        assert_eq!(q("1.2500"), q("1.25"));
    }

    #[test]
    fn refuses_what_is_not_a_quantity() {
        for bad in ["", ".", "-", "1,5", "1.2.3", "abc", "1e3", " 1 2", "0x10"] {
            assert_eq!(bad.parse::<Quantity>(), Err(QuantityError::NotANumber), "{bad:?}");
        }
        assert_eq!("0.0001".parse::<Quantity>(), Err(QuantityError::TooPrecise));
        assert_eq!("1000000001".parse::<Quantity>(), Err(QuantityError::TooLarge));
        assert_eq!("99999999999999999999".parse::<Quantity>(), Err(QuantityError::TooLarge));
    }

    #[test]
    fn typed_numbers_may_use_a_decimal_comma_unless_it_could_mean_thousands() {
        assert_eq!(Quantity::from_typed(" 2,5 "), Ok(q("2.5")));
        assert_eq!(Quantity::from_typed("0,25"), Ok(q("0.25")));
        assert_eq!(Quantity::from_typed("6"), Ok(q("6")));
        assert_eq!(Quantity::from_typed("1.5"), Ok(q("1.5")));
        assert_eq!(Quantity::from_typed("1,000"), Err(QuantityError::AmbiguousComma));
        assert_eq!(Quantity::from_typed("1,000.5"), Err(QuantityError::NotANumber));
        assert_eq!(Quantity::from_typed("1,2,3"), Err(QuantityError::NotANumber));
        assert_eq!(Quantity::from_typed("six"), Err(QuantityError::NotANumber));
    }

    #[test]
    fn prints_the_shortest_exact_form() {
        for text in ["3", "2.5", "0.125", "-1.75", "0", "1000000000", "0.001"] {
            assert_eq!(q(text).to_string(), text);
        }
        assert_eq!(format!("{:>5}", q("2.5")), "  2.5");
    }

    #[test]
    fn sums_are_exact() {
        let total: Quantity = ["0.1", "0.2"].iter().map(|t| q(t)).sum();
        assert_eq!(total, q("0.3"));
        assert_eq!(q("2").saturating_sub(q("2.5")), Quantity::ZERO);
        assert_eq!(q("2.5") - q("1"), q("1.5"));
    }

    #[test]
    fn json_numbers_round_trip() {
        let read = |json: &str| serde_json::from_str::<Quantity>(json);
        assert_eq!(read("3").unwrap(), Quantity::whole(3));
        assert_eq!(read("3.0").unwrap(), Quantity::whole(3));
        assert_eq!(read("0.1").unwrap().thousandths(), 100);
        assert_eq!(read("1234.5670000000002").unwrap().thousandths(), 1_234_567);
        assert_eq!(read("1000000000").unwrap(), Quantity::whole(1_000_000_000));
        assert!(read("0.0005").unwrap_err().to_string().contains("at most three decimals"));
        assert!(read("1.0015").unwrap_err().to_string().contains("at most three decimals"));
        assert!(read("1.0000000001").unwrap_err().to_string().contains("at most three decimals"));
        assert_eq!(read("999999999.999").unwrap().thousandths(), 999_999_999_999);
        assert!(read("1e10").unwrap_err().to_string().contains("at most a billion"));
        assert!(read("\"2.5\"").is_err(), "a string is not a JSON quantity");
        assert!(read("true").is_err());
        assert_eq!(serde_json::to_string(&q("3")).unwrap(), "3");
        assert_eq!(serde_json::to_string(&q("2.5")).unwrap(), "2.5");
        assert_eq!(serde_json::to_string(&q("0.001")).unwrap(), "0.001");
    }

    #[test]
    fn text_round_trips_for_every_thousandth_in_a_range() {
        for t in -5_000..5_000 {
            let value = Quantity::from_thousandths(t * 7);
            assert_eq!(value.to_string().parse::<Quantity>(), Ok(value));
            assert_eq!(serde_json::from_str::<Quantity>(&serde_json::to_string(&value).unwrap()).unwrap(), value);
        }
    }
}
