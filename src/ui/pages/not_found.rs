//! The one "not here" page, for unknown routes and unusable tracking links.

use crate::shell::Message;
use leptos::prelude::*;

/// The one "not here" page. A tracking link that is unknown, expired or
/// revoked gets exactly this, so nobody can learn whether an order exists:
/// inside the app (an unknown path) and on its own (`server`'s tracking-link
/// gate, before any page code runs).
///
/// It offers the lookup page (order number and email or postcode) to
/// everyone alike: naming the tenant would tell which tenant a token is from.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Message title="We can't find that page">
            <p class="mt-4 text-slate-700">
                "This tracking link may have expired or been replaced. Please use the most recent link from your order emails, or contact the shop you ordered from."
            </p>
            <p class="mt-4"><a class="underline" href="/track" rel="external" data-testid="order-lookup-link">"Find your order with its number instead"</a></p>
        </Message>
    }
}
