use leptos::prelude::*;

/// The one "not here" page. A tracking link that is unknown, expired or
/// revoked gets exactly this, so nobody can learn whether an order exists.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="mx-auto max-w-xl px-4 py-16">
            <h1 class="text-2xl font-semibold">"We can't find that page"</h1>
            <p class="mt-4 text-slate-700">
                "This tracking link may have expired or been replaced. Please use the most recent link from your order emails, or contact the shop you ordered from."
            </p>
        </main>
    }
}
