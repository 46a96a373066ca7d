//! The document title, safe for any text a trading partner chose.
//!
//! Two leptos_meta 0.8 behaviours make its `<Title>` unsafe to use directly
//! on the server:
//! - `MetaTags` copies the title text into `<head>` verbatim (no escaping),
//!   so an order number like `</title><meta http-equiv=refresh ...>` would
//!   become markup;
//! - the text is read after the page body has rendered, outside the page's
//!   reactive owner. A closure over a signal can then find the signal
//!   disposed and panic the render (about a quarter of tracking pages under
//!   concurrent load did).
//!
//! So a title here is a plain `String`, computed once, and escaped when it
//! goes into server HTML (by Leptos, as it escapes any text node). In the
//! browser `document.title` takes text, so it is passed through as is.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <Title text=title_markup(text)/> }
}

#[cfg(feature = "ssr")]
fn title_markup(text: String) -> String {
    text.to_html()
}

#[cfg(not(feature = "ssr"))]
fn title_markup(text: String) -> String {
    text
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_title_stays_text() {
        let hostile = r#"SO-1</title><meta http-equiv="refresh" content="0;url=https://evil.example">"#;
        let markup = title_markup(hostile.to_string());
        // No tag can open or close; a quote in element text is only text.
        assert!(!markup.contains('<') && !markup.contains('>'), "{markup}");
        assert!(markup.starts_with("SO-1&lt;/title&gt;&lt;meta http-equiv="), "{markup}");
        assert_eq!(title_markup("Fish & Chips".into()), "Fish &amp; Chips");
    }
}
