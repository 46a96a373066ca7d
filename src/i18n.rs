//! Buyer-facing words in the buyer's language: Fluent messages from
//! `locales/<tag>/*.ftl` (compiled into the binary), plural forms by CLDR
//! rules, and dates with the language's own day and month names.
//!
//! Only the server speaks: pages, emails, texts and the POD document are
//! put together here, so the browser downloads no translations.

use crate::domain::language::{Direction, Language, LanguageOffer};
use crate::domain::pod_document::PodLabels;
use crate::domain::{BuyerMeaning, Canonical, ExceptionKind};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;

/// The files of one language, in the order they are added to its bundle.
macro_rules! locale_files {
    ($tag:literal) => {
        [
            ("dictionary.ftl", include_str!(concat!("../locales/", $tag, "/dictionary.ftl"))),
            ("tracking.ftl", include_str!(concat!("../locales/", $tag, "/tracking.ftl"))),
            ("pages.ftl", include_str!(concat!("../locales/", $tag, "/pages.ftl"))),
            ("notify.ftl", include_str!(concat!("../locales/", $tag, "/notify.ftl"))),
        ]
    };
}

/// Every language's files, as compiled in.
pub fn sources(language: Language) -> [(&'static str, &'static str); 4] {
    match language {
        Language::English => locale_files!("en"),
        Language::Spanish => locale_files!("es"),
        Language::French => locale_files!("fr"),
        Language::German => locale_files!("de"),
        Language::BrazilianPortuguese => locale_files!("pt-BR"),
        Language::Arabic => locale_files!("ar"),
    }
}

static BUNDLES: LazyLock<Vec<FluentBundle<FluentResource>>> = LazyLock::new(|| {
    Language::ALL
        .iter()
        .map(|&language| {
            let id: unic_langid::LanguageIdentifier = language.tag().parse().expect("our tags are valid BCP 47");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks keep a Latin name or number from reordering
            // the words of right-to-left text around it; left-to-right
            // text needs none, and its strings stay plain.
            bundle.set_use_isolating(language.direction() == Direction::RightToLeft);
            for (file, source) in sources(language) {
                let resource = FluentResource::try_new(source.to_string())
                    .unwrap_or_else(|(_, errors)| panic!("locales/{language}/{file}: {errors:?}"));
                bundle.add_resource(resource).unwrap_or_else(|errors| panic!("locales/{language}/{file}: {errors:?}"));
            }
            bundle
        })
        .collect()
});

fn bundle(language: Language) -> &'static FluentBundle<FluentResource> {
    let index = Language::ALL.iter().position(|l| *l == language).expect("every language has a bundle");
    &BUNDLES[index]
}

/// The cookie that keeps a buyer's language choice between visits.
pub const LANGUAGE_COOKIE: &str = "milepost_lang";

/// The language for a buyer's request: a choice made just now (`?lang=`
/// or a form field), the saved choice (the cookie), the browser's
/// `Accept-Language`, then the tenant's default; offered languages only.
pub fn negotiate(offer: &LanguageOffer, chosen: Option<&str>, headers: &axum::http::HeaderMap) -> Language {
    use axum::http::header;
    let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let saved = value(header::COOKIE)
        .and_then(|cookies| cookies.split(';').find_map(|c| c.trim().strip_prefix(LANGUAGE_COOKIE)?.strip_prefix('=')));
    offer.choose(chosen, saved, value(header::ACCEPT_LANGUAGE))
}

/// The `Set-Cookie` value that saves a choice for a year. Not a secret
/// (the page shows it), so readable by nothing but the server all the same.
pub fn language_cookie(language: Language) -> String {
    format!("{LANGUAGE_COOKIE}={language}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly")
}

/// One argument of a message.
pub type Arg<'a> = (&'a str, FluentValue<'a>);

/// The words and date formats of one language, for one page or message.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Translator {
    language: Language,
    /// English as the United States writes dates and times ("Tue, Dec 3",
    /// "2:05 PM"), when the tenant's locale says so.
    us_english: bool,
}

impl Translator {
    /// `tenant_locale` ("en-US", "de-DE") only chooses between the ways
    /// English writes dates; the language is the buyer's.
    pub fn new(language: Language, tenant_locale: &str) -> Translator {
        Translator {
            language,
            us_english: language == Language::English && tenant_locale.eq_ignore_ascii_case("en-US"),
        }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// A message without arguments.
    pub fn text(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// A message with arguments: `t.with("order-number", &[("number", "A-1".into())])`.
    pub fn with(&self, id: &str, args: &[Arg<'_>]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        self.format(id, Some(&fluent_args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        // A missing message is a bug the locale test catches; at run time
        // English is better than a blank.
        for language in [self.language, Language::English] {
            let bundle = bundle(language);
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::error!(message = id, language = %language, ?errors, "a message did not format cleanly");
                }
                return text.into_owned();
            }
            tracing::error!(message = id, language = %language, "a message is missing");
        }
        id.to_string()
    }

    /// The proof-of-delivery document's words (a buyer's copy).
    pub fn pod_labels(&self) -> PodLabels {
        let t = |id: &str| self.text(&format!("pod-pdf-{id}"));
        PodLabels {
            language: self.language.tag().to_string(),
            title: t("title"),
            order: t("order"),
            customer_po: t("customer-po"),
            shipment: t("shipment"),
            received_by: t("received-by"),
            delivered_at: t("delivered-at"),
            place: t("place"),
            ship_to: t("ship-to"),
            pod_reference: t("reference"),
            lines: t("lines"),
            line: t("line"),
            sku: t("sku"),
            description: t("description"),
            quantity: t("quantity"),
            no_lines: t("no-lines"),
            note: t("note"),
            stored_files: t("stored-files"),
            no_files: t("no-files"),
            receiving: t("receiving"),
            continued: t("continued"),
        }
    }

    /// A milestone's or problem's name in the status dictionary.
    pub fn label(&self, canonical: Canonical) -> String {
        match canonical {
            Canonical::Milestone(m) => self.text(&format!("milestone-{}", m.code())),
            Canonical::Exception(e) => self.text(&format!("exception-{}", e.code())),
            Canonical::Resolved(e) => self.text(match e {
                ExceptionKind::ConditionExcursion => "resolved-condition_excursion",
                ExceptionKind::PredictedLate => "resolved-predicted_late",
                ExceptionKind::IncompleteOrder => "resolved-incomplete_order",
                _ => "resolved-other",
            }),
            Canonical::Return(r) => self.text(&format!("return-{}", r.code())),
            // Never shown to buyers: the staff's English name.
            Canonical::Note | Canonical::Unmapped => canonical.presentation().label.to_string(),
        }
    }

    /// The sentence under a milestone or problem, possibly empty.
    pub fn explanation(&self, canonical: Canonical) -> String {
        match canonical {
            Canonical::Milestone(m) => self.text(&format!("milestone-{}-explain", m.code())),
            Canonical::Exception(e) => self.text(&format!("exception-{}-explain", e.code())),
            Canonical::Return(r) => self.text(&format!("return-{}-explain", r.code())),
            _ => String::new(),
        }
    }

    /// A buyer's meaning finer than the milestone: "Available for pickup".
    pub fn meaning_label(&self, meaning: BuyerMeaning) -> String {
        self.text(&format!("meaning-{}", meaning.code()))
    }

    pub fn meaning_explanation(&self, meaning: BuyerMeaning) -> String {
        self.text(&format!("meaning-{}-explain", meaning.code()))
    }

    /// What happens next after a problem.
    pub fn next_step(&self, kind: ExceptionKind) -> String {
        self.text(&format!("exception-{}-next", kind.code()))
    }

    /// "Tuesday 24 November" / "Tuesday, November 24" / "martes, 24 de noviembre".
    pub fn date(&self, date: NaiveDate) -> String {
        self.format_date(date, self.patterns().date)
    }

    /// A weekday with its date: "Tue 3 Dec" (or without the month).
    pub fn day(&self, date: NaiveDate, with_month: bool) -> String {
        let p = self.patterns();
        self.format_date(date, if with_month { p.day_month } else { p.day })
    }

    /// The weekday alone, abbreviated: "Fri".
    pub fn weekday(&self, date: NaiveDate) -> String {
        self.format_date(date, "%a")
    }

    // chrono names days and months by locale only on zoned values; a local
    // time "in UTC" prints as itself, as the patterns name no zone.

    /// A local date and time: "Tue 24 Nov, 14:05".
    pub fn date_time(&self, at: NaiveDateTime) -> String {
        at.and_utc().format_localized(self.patterns().date_time, self.chrono_locale()).to_string()
    }

    /// "Monday 23 Nov, 14:14": the moment of a delivery.
    pub fn long_date_time(&self, at: NaiveDateTime) -> String {
        at.and_utc().format_localized(self.patterns().long_date_time, self.chrono_locale()).to_string()
    }

    /// A time of day: "2:05 PM" or "14:05".
    pub fn clock(&self, at: NaiveDateTime) -> String {
        at.and_utc().format_localized(self.patterns().clock, self.chrono_locale()).to_string()
    }

    /// A range of days, written the language's way: "Tue 3 – Thu 5 Dec".
    pub fn day_range(&self, from: NaiveDate, to: NaiveDate) -> String {
        let same_month = from.month() == to.month() && from.year() == to.year();
        let from = if same_month && !self.us_english { self.day(from, false) } else { self.day(from, true) };
        format!("{from} – {}", self.day(to, true))
    }

    fn format_date(&self, date: NaiveDate, pattern: &str) -> String {
        date.format_localized(pattern, self.chrono_locale()).to_string()
    }

    fn chrono_locale(&self) -> chrono::Locale {
        match self.language {
            Language::English if self.us_english => chrono::Locale::en_US,
            Language::English => chrono::Locale::en_GB,
            Language::Spanish => chrono::Locale::es_ES,
            Language::French => chrono::Locale::fr_FR,
            Language::German => chrono::Locale::de_DE,
            Language::BrazilianPortuguese => chrono::Locale::pt_BR,
            Language::Arabic => chrono::Locale::ar_EG,
        }
    }

    fn patterns(&self) -> Patterns {
        match self.language {
            Language::English if self.us_english => Patterns {
                date: "%A, %B %-d",
                day: "%a %-d",
                day_month: "%a, %b %-d",
                date_time: "%a, %b %-d, %-I:%M %p",
                long_date_time: "%A, %b %-d, %-I:%M %p",
                clock: "%-I:%M %p",
            },
            Language::English => Patterns {
                date: "%A %-d %B",
                day: "%a %-d",
                day_month: "%a %-d %b",
                date_time: "%a %-d %b, %H:%M",
                long_date_time: "%A %-d %b, %H:%M",
                clock: "%H:%M",
            },
            Language::Spanish | Language::BrazilianPortuguese => Patterns {
                date: "%A, %-d de %B",
                day: "%a %-d",
                day_month: "%a %-d %b",
                date_time: "%a %-d %b, %H:%M",
                long_date_time: "%A %-d de %B, %H:%M",
                clock: "%H:%M",
            },
            Language::French | Language::Arabic => Patterns {
                date: "%A %-d %B",
                day: "%a %-d",
                day_month: "%a %-d %b",
                date_time: "%a %-d %b, %H:%M",
                long_date_time: "%A %-d %B, %H:%M",
                clock: "%H:%M",
            },
            Language::German => Patterns {
                date: "%A, %-d. %B",
                day: "%a %-d.",
                day_month: "%a %-d. %b",
                date_time: "%a %-d. %b, %H:%M",
                long_date_time: "%A, %-d. %B, %H:%M",
                clock: "%H:%M",
            },
        }
    }
}

/// strftime patterns for each way a page writes a date.
struct Patterns {
    date: &'static str,
    day: &'static str,
    day_month: &'static str,
    date_time: &'static str,
    long_date_time: &'static str,
    clock: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Milestone;
    use fluent_bundle::FluentResource;
    use std::collections::BTreeSet;

    /// Every message and attribute id of a language, by file.
    fn ids(language: Language) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        for (file, source) in sources(language) {
            let resource = FluentResource::try_new(source.to_string()).expect("parses");
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    ids.insert(format!("{file}: {}", m.id.name));
                }
            }
        }
        ids
    }

    #[test]
    fn every_language_has_every_message_and_no_other() {
        let english = ids(Language::English);
        for language in Language::ALL {
            let theirs = ids(language);
            let missing: Vec<_> = english.difference(&theirs).collect();
            let extra: Vec<_> = theirs.difference(&english).collect();
            assert!(missing.is_empty(), "{language} misses {missing:?}");
            assert!(extra.is_empty(), "{language} has messages English lacks: {extra:?}");
        }
    }

    #[test]
    fn every_message_formats_in_every_language_with_its_arguments() {
        // Each message formatted with every argument any message takes
        // must leave no Fluent error (an unknown variable, a bad selector).
        let text_args = [
            "number",
            "brand",
            "po",
            "stage",
            "shipment",
            "text",
            "name",
            "date",
            "day",
            "range",
            "likely",
            "value",
            "limit",
            "lasted",
            "duration",
            "zone",
            "time",
            "offset",
            "from",
            "to",
            "when",
            "address",
            "code",
            "email",
            "label",
            "url",
            "place",
            "carrier",
            "quantity",
            "reasons",
            "rma",
            "amount",
            "reference",
            "reason",
        ];
        let number_args = ["count", "deliveries", "days", "delivered", "shipments", "minutes", "hours", "index"];
        let mut args: Vec<(&str, FluentValue)> = text_args.iter().map(|a| (*a, FluentValue::from("x"))).collect();
        args.extend(number_args.iter().map(|a| (*a, FluentValue::from(2))));
        for language in Language::ALL {
            let bundle = bundle(language);
            for (file, source) in sources(language) {
                let resource = FluentResource::try_new(source.to_string()).unwrap();
                for entry in resource.entries() {
                    let fluent_syntax::ast::Entry::Message(m) = entry else { continue };
                    let message = bundle.get_message(m.id.name).unwrap();
                    let mut fluent_args = FluentArgs::new();
                    for (name, value) in &args {
                        fluent_args.set(*name, value.clone());
                    }
                    let mut errors = Vec::new();
                    let text = bundle.format_pattern(message.value().unwrap(), Some(&fluent_args), &mut errors);
                    assert!(errors.is_empty(), "{language} {file} {}: {errors:?}", m.id.name);
                    assert!(!text.trim().is_empty() || m.id.name.ends_with("-explain"), "{language} {}", m.id.name);
                }
            }
        }
    }

    #[test]
    fn plurals_follow_each_language() {
        let count = |language, n: i64| Translator::new(language, "").with("deliveries-before", &[("count", n.into())]);
        assert_eq!(count(Language::English, 1), "1 delivery before yours");
        assert_eq!(count(Language::English, 4), "4 deliveries before yours");
        assert_ne!(count(Language::French, 1), count(Language::French, 4));
        // Arabic has six plural categories; two and many differ from one.
        assert_ne!(count(Language::Arabic, 2), count(Language::Arabic, 11));
    }

    #[test]
    fn dates_use_the_languages_own_names() {
        let d: NaiveDate = "2026-12-01".parse().unwrap();
        assert_eq!(Translator::new(Language::English, "en-GB").date(d), "Tuesday 1 December");
        assert_eq!(Translator::new(Language::English, "en-US").date(d), "Tuesday, December 1");
        assert_eq!(Translator::new(Language::Spanish, "en-US").date(d), "martes, 1 de diciembre");
        assert_eq!(Translator::new(Language::German, "de-DE").date(d), "Dienstag, 1. Dezember");
        assert_eq!(Translator::new(Language::French, "fr-FR").date(d), "mardi 1 décembre");
        let to: NaiveDate = "2026-12-03".parse().unwrap();
        assert_eq!(Translator::new(Language::English, "en-GB").day_range(d, to), "Tue 1 – Thu 3 Dec");
        assert_eq!(Translator::new(Language::English, "en-US").day_range(d, to), "Tue, Dec 1 – Thu, Dec 3");
    }

    #[test]
    fn the_buyers_english_proof_of_delivery_is_the_portals() {
        assert_eq!(Translator::new(Language::English, "en-US").pod_labels(), PodLabels::default());
        let arabic = Translator::new(Language::Arabic, "en-US").pod_labels();
        assert_eq!((arabic.language.as_str(), arabic.title.as_str()), ("ar", "إثبات التسليم"));
    }

    #[test]
    fn english_says_what_the_status_dictionary_says() {
        // The dictionary's English (staff pages, the API) and the buyer's
        // English are one text.
        let t = Translator::new(Language::English, "en-GB");
        for m in Milestone::ALL {
            let c = Canonical::Milestone(m);
            assert_eq!(
                (t.label(c), t.explanation(c)),
                (m.presentation().label.into(), m.presentation().explanation.into())
            );
        }
        for e in ExceptionKind::ALL {
            let c = Canonical::Exception(e);
            assert_eq!(
                (t.label(c), t.explanation(c)),
                (e.presentation().label.into(), e.presentation().explanation.into())
            );
            assert_eq!(t.next_step(e), e.next_step());
            assert_eq!(t.label(Canonical::Resolved(e)), Canonical::Resolved(e).presentation().label);
        }
    }

    #[test]
    fn a_missing_message_falls_back_to_its_id_rather_than_nothing() {
        assert_eq!(Translator::new(Language::German, "").text("no-such-message"), "no-such-message");
    }
}
