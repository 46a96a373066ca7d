//! The page shown when tracking cannot be loaded right now.

use crate::shell::Message;
use leptos::prelude::*;

/// Tracking could not be loaded (the store did not answer): inside the
/// tracking page, and on its own from `server` (503).
#[component]
pub fn Unavailable() -> impl IntoView {
    view! {
        <Message title="Tracking is taking a break">
            <p class="mt-4 text-slate-700">"We couldn't load your order just now. Please try again in a minute."</p>
        </Message>
    }
}
