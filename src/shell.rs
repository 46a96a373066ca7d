//! The one HTML document every page is served in: the Leptos app's
//! (`ui::app::shell`, which adds the hydration scripts and the app) and
//! each page a handler answers with on its own (not found, unavailable,
//! too many requests, unsubscribe, the API reference, portal answers).
//! So the stylesheet, the icon, the referrer policy and the brand are the
//! same everywhere, and text reaches HTML one way: through Leptos, which
//! escapes it.
//!
//! Below every module that answers with a page (it imports only the leaf
//! `site`), so `portal` and `notify` can use it as well as `ui`.

use leptos::prelude::*;

/// A page's `lang` and `dir`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageLanguage {
    pub lang: &'static str,
    pub dir: &'static str,
}

impl PageLanguage {
    pub const ENGLISH: PageLanguage = PageLanguage { lang: "en", dir: "ltr" };
}

/// `<html>` with the head every page shares, then `head` (the title, the
/// hydration scripts), and `body` inside the body. `language` is `None`
/// when the page sets it itself (leptos_meta's `<Html>`: a tracking page
/// knows its buyer's language only once it has read the link's tenant).
pub fn document(language: Option<PageLanguage>, head: impl IntoView, body: impl IntoView) -> impl IntoView {
    let (lang, dir) = (language.map(|l| l.lang), language.map(|l| l.dir));
    view! {
        <!DOCTYPE html>
        <html lang=lang dir=dir>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="referrer" content="no-referrer"/>
                <link rel="stylesheet" href=crate::site::stylesheet()/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                {head}
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">{body}</body>
        </html>
    }
}

/// Milepost's mark and name, atop the pages that carry no partner's brand.
/// `width` matches the page's own column (a Tailwind `max-w-*` class).
#[component]
pub fn Brand(#[prop(default = "max-w-xl")] width: &'static str) -> impl IntoView {
    view! {
        <header class="border-b border-slate-200 bg-white" data-testid="brand">
            <div class=format!("mx-auto flex items-center gap-2 px-4 py-3 {width}")>
                <img src="/favicon.svg" alt="" width="24" height="24"/>
                <span class="font-semibold tracking-tight">"Milepost"</span>
            </div>
        </header>
    }
}

/// A short page: the brand, a heading and a few paragraphs.
#[component]
pub fn Message(#[prop(into)] title: String, children: Children) -> impl IntoView {
    view! {
        <Brand/>
        <main class="mx-auto max-w-xl px-4 py-16">
            <h1 class="text-2xl font-semibold">{title}</h1>
            {children()}
        </main>
    }
}

/// Whether search engines may list a page rendered by [`render`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Robots {
    /// Public reference pages.
    Index,
    /// Answers to links, forms and errors.
    NoIndex,
}

/// A whole page, rendered on the server alone: no hydration, so no scripts.
/// It is served under the strict default policy (`server::security_headers`:
/// nothing inline runs, no inline style applies), which is why it needs no
/// script nonce and must style itself with the stylesheet's classes only.
#[cfg(feature = "ssr")]
pub fn render<V: IntoView + 'static>(title: &str, robots: Robots, body: impl FnOnce() -> V) -> String {
    render_in(PageLanguage::ENGLISH, title, robots, body)
}

/// [`render`] in a buyer's language.
#[cfg(feature = "ssr")]
pub fn render_in<V: IntoView + 'static>(
    language: PageLanguage,
    title: &str,
    robots: Robots,
    body: impl FnOnce() -> V,
) -> String {
    let title = title.to_string();
    to_html(move || {
        let head = view! {
            <title>{title}</title>
            {(robots == Robots::NoIndex).then(|| view! { <meta name="robots" content="noindex"/> })}
        };
        document(Some(language), head, body())
    })
}

/// A view as HTML text, in a reactive owner of its own (an email body, an
/// SVG image, a page).
#[cfg(feature = "ssr")]
pub fn to_html<V: IntoView + 'static>(view: impl FnOnce() -> V) -> String {
    let owner = Owner::new();
    owner.with(|| view().to_html())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_the_shared_document_with_its_text_escaped() {
        let html = render("Order <b>1</b> & co", Robots::NoIndex, || {
            view! { <Message title="Order <b>1</b>"><p>{"5 < 6".to_string()}</p></Message> }
        });
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\" dir=\"ltr\"><head>"), "{html}");
        assert!(html.contains("<link rel=\"stylesheet\" href=\"/pkg/milepost.css\">"), "{html}");
        assert!(html.contains("<title>Order &lt;b&gt;1&lt;/b&gt; &amp; co</title>"), "{html}");
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"), "{html}");
        assert!(html.contains("<h1 class=\"text-2xl font-semibold\">Order &lt;b&gt;1&lt;/b&gt;</h1>"), "{html}");
        assert!(html.contains("<p>5 &lt; 6</p>"), "{html}");
        assert!(html.contains("data-testid=\"brand\""), "{html}");
        assert!(!html.contains("<script") && !html.contains("style="), "nothing the policy would block: {html}");
        assert!(html.ends_with("</body></html>"), "{html}");
        let listed = render("API", Robots::Index, || view! { <p>"x"</p> });
        assert!(!listed.contains("noindex"), "{listed}");
    }
}
