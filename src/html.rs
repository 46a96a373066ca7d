//! Text into HTML built by hand (the API reference, emails, the unsubscribe
//! page): the one escape they all use.

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
