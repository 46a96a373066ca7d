//! The site's front page: what Milepost is, for someone who arrives
//! without a tracking link.

use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <main class="mx-auto max-w-xl px-4 py-16">
            <h1 class="text-3xl font-semibold tracking-tight">"Milepost"</h1>
            <p class="mt-4 text-slate-700">
                "Live order tracking. Open the tracking link from your order confirmation or shipping email to see where your order is."
            </p>
        </main>
    }
}
