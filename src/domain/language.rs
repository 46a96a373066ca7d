//! The languages buyer-facing surfaces speak, and which one a buyer gets.
//!
//! Pure: the texts themselves live in `locales/` and are looked up by the
//! server (`crate::i18n`); this module only names the languages and picks
//! one from what the request, the buyer and the tenant say.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Language {
    #[serde(rename = "en")]
    English,
    #[serde(rename = "es")]
    Spanish,
    #[serde(rename = "fr")]
    French,
    #[serde(rename = "de")]
    German,
    #[serde(rename = "pt-BR")]
    BrazilianPortuguese,
    #[serde(rename = "ar")]
    Arabic,
}

/// Which way a language's text runs; the `dir` attribute.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Direction {
    LeftToRight,
    RightToLeft,
}

impl Direction {
    pub fn attribute(self) -> &'static str {
        match self {
            Direction::LeftToRight => "ltr",
            Direction::RightToLeft => "rtl",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}`: use one of en, es, fr, de, pt-BR, ar")]
pub struct UnknownLanguage(pub String);

impl Language {
    pub const ALL: [Language; 6] = [
        Language::English,
        Language::Spanish,
        Language::French,
        Language::German,
        Language::BrazilianPortuguese,
        Language::Arabic,
    ];

    /// The BCP 47 tag, as `lang` attributes, cookies and the API spell it.
    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
            Language::French => "fr",
            Language::German => "de",
            Language::BrazilianPortuguese => "pt-BR",
            Language::Arabic => "ar",
        }
    }

    /// The language's name in itself, as a language menu lists it.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Spanish => "Español",
            Language::French => "Français",
            Language::German => "Deutsch",
            Language::BrazilianPortuguese => "Português (Brasil)",
            Language::Arabic => "العربية",
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            Language::Arabic => Direction::RightToLeft,
            _ => Direction::LeftToRight,
        }
    }

    /// A tag as a browser or a tenant writes it: any case, `_` or `-`, with
    /// or without a region ("pt", "pt_br", "en-GB" and "ar-EG" all match).
    pub fn parse(tag: &str) -> Result<Language, UnknownLanguage> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        Ok(match primary.as_str() {
            "en" => Language::English,
            "es" => Language::Spanish,
            "fr" => Language::French,
            "de" => Language::German,
            "pt" => Language::BrazilianPortuguese,
            "ar" => Language::Arabic,
            _ => return Err(UnknownLanguage(tag.to_string())),
        })
    }

    /// A comma-separated list of tags (a tenant's offered languages).
    pub fn parse_list(tags: &str) -> Result<Vec<Language>, UnknownLanguage> {
        let mut list = Vec::new();
        for tag in tags.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let language = Language::parse(tag)?;
            if !list.contains(&language) {
                list.push(language);
            }
        }
        Ok(list)
    }
}

impl TryFrom<String> for Language {
    type Error = UnknownLanguage;
    fn try_from(tag: String) -> Result<Language, UnknownLanguage> {
        Language::parse(&tag)
    }
}

/// Languages as a column keeps them: tags separated by commas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LanguageList(pub Vec<Language>);

impl TryFrom<String> for LanguageList {
    type Error = UnknownLanguage;
    fn try_from(tags: String) -> Result<LanguageList, UnknownLanguage> {
        Language::parse_list(&tags).map(LanguageList)
    }
}

impl fmt::Display for LanguageList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tags: Vec<&str> = self.0.iter().map(|l| l.tag()).collect();
        f.write_str(&tags.join(","))
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// What a tenant offers its buyers: a default and the languages its pages
/// may switch to (the default always among them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LanguageOffer {
    pub default: Language,
    pub offered: Vec<Language>,
}

impl LanguageOffer {
    pub fn new(default: Language, offered: &[Language]) -> LanguageOffer {
        let mut list = vec![default];
        list.extend(offered.iter().copied().filter(|l| *l != default));
        list.sort_by_key(|l| Language::ALL.iter().position(|a| a == l));
        list.dedup();
        LanguageOffer { default, offered: list }
    }

    pub fn offers(&self, language: Language) -> bool {
        self.offered.contains(&language)
    }

    /// The language for one request, most deliberate first: a choice made
    /// on the page now, the choice the buyer saved earlier, the browser's
    /// `Accept-Language` (by its q-values), then the tenant's default.
    /// Only offered languages count at every step.
    pub fn choose(&self, chosen: Option<&str>, saved: Option<&str>, accept_language: Option<&str>) -> Language {
        let offered = |tag: &str| Language::parse(tag).ok().filter(|l| self.offers(*l));
        chosen
            .and_then(offered)
            .or_else(|| saved.and_then(offered))
            .or_else(|| accept_language.and_then(|header| from_accept_language(header, |l| self.offers(l))))
            .unwrap_or(self.default)
    }
}

/// The best language of an `Accept-Language` header that `usable` accepts;
/// ties keep the header's order, `q=0` means "not this one".
fn from_accept_language(header: &str, usable: impl Fn(Language) -> bool) -> Option<Language> {
    let mut ranked: Vec<(u16, usize, Language)> = header
        .split(',')
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.split(';');
            let language = Language::parse(parts.next()?).ok().filter(|l| usable(*l))?;
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .next()
                .map_or(Some(1000), |q| q.trim().parse::<f32>().ok().map(|q| (q.clamp(0.0, 1.0) * 1000.0) as u16))?;
            (quality > 0).then_some((quality, position, language))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|(_, _, language)| *language)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Language::*;

    #[test]
    fn tags_parse_whatever_their_case_and_region() {
        assert_eq!(Language::parse("pt_br"), Ok(BrazilianPortuguese));
        assert_eq!(Language::parse("PT"), Ok(BrazilianPortuguese));
        assert_eq!(Language::parse("en-GB"), Ok(English));
        assert_eq!(Language::parse("ar-EG"), Ok(Arabic));
        assert!(Language::parse("tlh").is_err());
        assert_eq!(Language::parse_list("de, fr,de"), Ok(vec![German, French]));
        for language in Language::ALL {
            assert_eq!(Language::parse(language.tag()), Ok(language));
        }
        assert_eq!(Arabic.direction().attribute(), "rtl");
        assert_eq!(German.direction().attribute(), "ltr");
    }

    #[test]
    fn an_offer_lists_each_language_once_with_its_default() {
        let offer = LanguageOffer::new(Spanish, &[Arabic, English, Arabic, Spanish]);
        assert_eq!(offer.offered, vec![English, Spanish, Arabic]);
    }

    #[test]
    fn the_most_deliberate_offered_choice_wins() {
        let offer = LanguageOffer::new(English, &[Spanish, Arabic]);
        assert_eq!(offer.offered, vec![English, Spanish, Arabic]);
        assert_eq!(offer.choose(Some("ar"), Some("es"), Some("de")), Arabic);
        assert_eq!(offer.choose(None, Some("es"), Some("ar")), Spanish);
        assert_eq!(offer.choose(None, None, Some("ar")), Arabic);
        assert_eq!(offer.choose(Some("de"), Some("fr"), None), English, "not offered, so the default");
        assert_eq!(offer.choose(None, None, None), English);
    }

    #[test]
    fn accept_language_is_ranked_by_quality() {
        let all = |_: Language| true;
        assert_eq!(from_accept_language("de;q=0.5, es;q=0.9, fr", all), Some(French));
        assert_eq!(from_accept_language("de;q=0.5, es;q=0.9", all), Some(Spanish));
        assert_eq!(from_accept_language("ja, pt-BR;q=0.8, en;q=0.8", all), Some(BrazilianPortuguese));
        assert_eq!(from_accept_language("es;q=0, *", all), None);
        assert_eq!(from_accept_language("es;q=zero", all), None);
        assert_eq!(from_accept_language("", all), None);
        assert_eq!(from_accept_language("es, de", |l| l == German), Some(German));
    }
}
