//! Customer-service search over every key of an order: the keys become
//! normalized terms (lowercase letters and digits only), a query becomes a
//! prefix range over them, and matches are ranked here.
//!
//! Why normalized prefixes and not substrings: "NW-10023", "nw 10023" and
//! "10023" must all find the same order, and an index range answers a prefix
//! in microseconds on a million orders, where a substring scan reads them
//! all. Separators split values into words, so the middle of a value is a
//! prefix too, and phones and tracking numbers are also kept reversed, so
//! the last digits someone reads out on the phone are a prefix as well.

use serde::{Deserialize, Serialize};

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    OrderNumber,
    CustomerPo,
    TrackingNumber,
    /// A tracking number written backwards (for its last characters).
    TrackingSuffix,
    Email,
    Phone,
    /// A phone number's digits backwards (for its last digits).
    PhoneSuffix,
    Name,
    Postcode,
}

impl SearchKind {
    pub const ALL: [SearchKind; 9] = [
        SearchKind::OrderNumber,
        SearchKind::CustomerPo,
        SearchKind::TrackingNumber,
        SearchKind::TrackingSuffix,
        SearchKind::Email,
        SearchKind::Phone,
        SearchKind::PhoneSuffix,
        SearchKind::Name,
        SearchKind::Postcode,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SearchKind::OrderNumber => "order",
            SearchKind::CustomerPo => "po",
            SearchKind::TrackingNumber => "tracking",
            SearchKind::TrackingSuffix => "tracking_rev",
            SearchKind::Email => "email",
            SearchKind::Phone => "phone",
            SearchKind::PhoneSuffix => "phone_rev",
            SearchKind::Name => "name",
            SearchKind::Postcode => "postcode",
        }
    }

    pub fn from_code(code: &str) -> Option<SearchKind> {
        SearchKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// What the match is shown as ("matched on tracking number").
    pub fn label(self) -> &'static str {
        match self {
            SearchKind::OrderNumber => "order number",
            SearchKind::CustomerPo => "PO number",
            SearchKind::TrackingNumber | SearchKind::TrackingSuffix => "tracking number",
            SearchKind::Email => "email",
            SearchKind::Phone | SearchKind::PhoneSuffix => "phone",
            SearchKind::Name => "name",
            SearchKind::Postcode => "postcode",
        }
    }

    /// Stored reversed: a query matches them reversed.
    pub fn is_reversed(self) -> bool {
        matches!(self, SearchKind::TrackingSuffix | SearchKind::PhoneSuffix)
    }

    /// Identifiers someone reads off a document outrank personal details,
    /// which many orders share.
    fn weight(self) -> u32 {
        match self {
            SearchKind::OrderNumber => 100,
            SearchKind::CustomerPo | SearchKind::TrackingNumber => 90,
            SearchKind::TrackingSuffix => 80,
            SearchKind::Email => 70,
            SearchKind::Phone | SearchKind::PhoneSuffix => 60,
            SearchKind::Postcode => 50,
            SearchKind::Name => 40,
        }
    }
}

/// Lowercase letters and digits only.
pub fn normalize(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The value from each word after the first to its end, normalized
/// ("PO 4471/B" gives "4471b"): so input that starts mid-value is still a
/// prefix. The whole value is a term of its own.
fn tails(text: &str) -> impl Iterator<Item = String> + '_ {
    let starts: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| c.is_alphanumeric() && text[..i].chars().next_back().is_some_and(|p| !p.is_alphanumeric()))
        .map(|(i, _)| i)
        .collect();
    starts.into_iter().map(move |i| normalize(&text[i..])).filter(|t| t.chars().count() >= 2)
}

/// Every key of an order that search should find it by.
#[derive(Clone, Debug, Default)]
pub struct OrderKeys<'a> {
    pub order_number: &'a str,
    pub customer_po: Option<&'a str>,
    pub tracking_numbers: Vec<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub names: Vec<&'a str>,
    pub postcode: Option<&'a str>,
}

/// The (kind, term) pairs to index for an order, without duplicates.
pub fn order_terms(keys: &OrderKeys) -> Vec<(SearchKind, String)> {
    let mut terms = Vec::new();
    let whole_and_words = |kind: SearchKind, value: &str, terms: &mut Vec<(SearchKind, String)>| {
        terms.push((kind, normalize(value)));
        terms.extend(tails(value).map(|w| (kind, w)));
    };
    whole_and_words(SearchKind::OrderNumber, keys.order_number, &mut terms);
    if let Some(po) = keys.customer_po {
        whole_and_words(SearchKind::CustomerPo, po, &mut terms);
    }
    for tracking in &keys.tracking_numbers {
        let normalized = normalize(tracking);
        terms.push((SearchKind::TrackingSuffix, normalized.chars().rev().collect()));
        terms.push((SearchKind::TrackingNumber, normalized));
    }
    if let Some(email) = keys.email {
        terms.push((SearchKind::Email, normalize(email)));
        if let Some((local, domain)) = email.split_once('@') {
            terms.push((SearchKind::Email, normalize(local)));
            terms.push((SearchKind::Email, normalize(domain)));
            terms.extend(tails(local).map(|w| (SearchKind::Email, w)));
        }
    }
    if let Some(phone) = keys.phone {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 4 {
            terms.push((SearchKind::PhoneSuffix, digits.chars().rev().collect()));
            terms.push((SearchKind::Phone, digits));
        }
    }
    for name in &keys.names {
        whole_and_words(SearchKind::Name, name, &mut terms);
    }
    if let Some(postcode) = keys.postcode {
        whole_and_words(SearchKind::Postcode, postcode, &mut terms);
    }
    terms.retain(|(_, term)| !term.is_empty());
    terms.sort();
    terms.dedup();
    terms
}

/// A query as index ranges: `[from, to)` over terms, forwards, and over the
/// reversed kinds, backwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    pub term: String,
    pub forward: (String, String),
    pub reversed: (String, String),
}

impl SearchQuery {
    /// `None` when the query has no letters or digits at all.
    pub fn parse(input: &str) -> Option<SearchQuery> {
        let term = normalize(input);
        if term.is_empty() {
            return None;
        }
        let reversed: String = term.chars().rev().collect();
        Some(SearchQuery { forward: prefix_range(&term), reversed: prefix_range(&reversed), term })
    }

    /// How well a stored term matches: `None` if it does not. An exact match
    /// beats a prefix, a prefix covering more of the term beats a shorter one,
    /// and the kind's weight orders the rest.
    pub fn score(&self, kind: SearchKind, term: &str) -> Option<u32> {
        let wanted = if kind.is_reversed() { &self.reversed.0 } else { &self.term };
        if !term.starts_with(wanted.as_str()) {
            return None;
        }
        let exact = term.len() == wanted.len();
        let coverage = (wanted.len() * 20 / term.len().max(1)) as u32;
        Some(kind.weight() + if exact { 100 } else { coverage })
    }
}

/// Every string starting with `prefix` sorts in `[prefix, next)`, where
/// `next` is `prefix` with its last character moved one up (byte order,
/// which is how both stores compare these columns).
fn prefix_range(prefix: &str) -> (String, String) {
    let mut chars: Vec<char> = prefix.chars().collect();
    let last = chars.pop().expect("non-empty prefix");
    let next = char::from_u32(last as u32 + 1).unwrap_or(char::MAX);
    chars.push(next);
    (prefix.to_string(), chars.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> OrderKeys<'static> {
        OrderKeys {
            order_number: "NW-10023",
            customer_po: Some("PO 4471/B"),
            tracking_numbers: vec!["1Z999AA10123456784"],
            email: Some("Jane.Doe@Acme.example"),
            phone: Some("+44 20 7946 0958"),
            names: vec!["Jane Doe", "ACME Receiving Dock 3"],
            postcode: Some("SW1A 1AA"),
        }
    }

    fn finds(query: &str, kind: SearchKind) -> bool {
        let q = SearchQuery::parse(query).unwrap();
        order_terms(&keys()).iter().any(|(k, term)| *k == kind && q.score(*k, term).is_some())
    }

    #[test]
    fn every_key_is_found_whole_and_in_part_whatever_the_case() {
        assert!(finds("nw-10023", SearchKind::OrderNumber));
        assert!(finds("NW10", SearchKind::OrderNumber));
        assert!(finds("10023", SearchKind::OrderNumber));
        assert!(finds("po4471", SearchKind::CustomerPo));
        assert!(finds("4471", SearchKind::CustomerPo));
        assert!(finds("4471/b", SearchKind::CustomerPo));
        assert!(finds("dock 3", SearchKind::Name));
        assert!(finds("1z999aa", SearchKind::TrackingNumber));
        assert!(finds("456784", SearchKind::TrackingSuffix));
        assert!(finds("jane.doe@acme", SearchKind::Email));
        assert!(finds("acme.example", SearchKind::Email));
        assert!(finds("doe", SearchKind::Email));
        assert!(finds("+44 20 79", SearchKind::Phone));
        assert!(finds("0958", SearchKind::PhoneSuffix));
        assert!(finds("DOE", SearchKind::Name));
        assert!(finds("receiving", SearchKind::Name));
        assert!(finds("sw1a", SearchKind::Postcode));
        assert!(finds("1aa", SearchKind::Postcode));
        assert!(!finds("10024", SearchKind::OrderNumber));
        assert!(!finds("0023", SearchKind::OrderNumber));
    }

    #[test]
    fn terms_are_deduplicated_and_never_empty() {
        let terms =
            order_terms(&OrderKeys { order_number: "A-1", names: vec!["--", "Ann", "ann"], ..Default::default() });
        assert!(terms.iter().all(|(_, t)| !t.is_empty()));
        assert_eq!(terms.iter().filter(|(k, t)| *k == SearchKind::Name && t == "ann").count(), 1);
    }

    #[test]
    fn exact_beats_prefix_and_identifiers_beat_personal_details() {
        let q = SearchQuery::parse("10023").unwrap();
        let exact = q.score(SearchKind::OrderNumber, "10023").unwrap();
        let prefix = q.score(SearchKind::OrderNumber, "100234").unwrap();
        let longer_prefix = q.score(SearchKind::OrderNumber, "1002399999").unwrap();
        assert!(exact > prefix && prefix > longer_prefix);
        let postcode = q.score(SearchKind::Postcode, "10023").unwrap();
        assert!(exact > postcode);
        assert!(q.score(SearchKind::Phone, "99910023").is_none());
        assert_eq!(q.score(SearchKind::PhoneSuffix, "32001999"), Some(60 + 12));
    }

    #[test]
    fn a_query_is_a_prefix_range_in_byte_order() {
        let q = SearchQuery::parse(" Jane-D ").unwrap();
        assert_eq!(q.term, "janed");
        assert_eq!(q.forward, ("janed".to_string(), "janee".to_string()));
        assert_eq!(q.reversed, ("denaj".to_string(), "denak".to_string()));
        for inside in ["janed", "janedoe", "janedzzzz"] {
            assert!(q.forward.0.as_str() <= inside && inside < q.forward.1.as_str());
        }
        assert!("janee" >= q.forward.1.as_str());
        assert!(SearchQuery::parse(" -/ ").is_none());
    }
}
