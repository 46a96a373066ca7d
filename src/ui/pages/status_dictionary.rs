//! The status dictionary as a document for customer service and integrators,
//! generated from the same data the ingest path maps codes with.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DictionaryRow {
    pub source: String,
    pub code: String,
    pub meaning: String,
    pub canonical: String,
    pub label: String,
    pub customer_visible: bool,
}

#[server]
pub async fn get_status_dictionary() -> Result<Vec<DictionaryRow>, ServerFnError> {
    let state = expect_context::<crate::state::AppState>();
    Ok(state
        .dictionary
        .entries()
        .into_iter()
        .map(|e| {
            let presentation = e.canonical.presentation();
            DictionaryRow {
                source: e.source.clone(),
                code: e.code.clone(),
                meaning: e.meaning.clone(),
                canonical: e.canonical.code(),
                label: presentation.label.to_string(),
                customer_visible: presentation.customer_visible,
            }
        })
        .collect())
}

#[component]
pub fn StatusDictionaryPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| get_status_dictionary());
    view! {
        <Title text="Status dictionary · Milepost"/>
        <main class="mx-auto max-w-5xl px-4 py-10">
            <h1 class="text-3xl font-semibold">"Status dictionary"</h1>
            <p class="mt-3 max-w-3xl text-slate-700">
                "Every source code Milepost understands, the milestone or exception it maps to, and what a buyer reads. "
                "Carrier sources without a row of their own fall back to the generic "<code>"carrier"</code>" rows; "
                "aggregator codes may be refined by a detail code ("<code>"STATUS/DETAIL"</code>"). "
                "Codes not listed are kept as "<code>"unmapped"</code>" events and never dropped."
            </p>
            <Suspense fallback=|| view! { <p class="mt-6">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let rows = rows.await.unwrap_or_default();
                    view! {
                        <table class="mt-6 w-full text-left text-sm" data-testid="dictionary">
                            <thead class="text-slate-600">
                                <tr>
                                    <th scope="col" class="py-2 pr-3">"Source"</th>
                                    <th scope="col" class="py-2 pr-3">"Code"</th>
                                    <th scope="col" class="py-2 pr-3">"Meaning"</th>
                                    <th scope="col" class="py-2 pr-3">"Maps to"</th>
                                    <th scope="col" class="py-2">"Buyer sees"</th>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-slate-100">
                                {rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td class="py-1.5 pr-3 font-mono">{r.source}</td>
                                        <td class="py-1.5 pr-3 font-mono">{r.code}</td>
                                        <td class="py-1.5 pr-3">{r.meaning}</td>
                                        <td class="py-1.5 pr-3 font-mono">{r.canonical}</td>
                                        <td class="py-1.5">{if r.customer_visible { r.label } else { format!("(internal) {}", r.label) }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                })}
            </Suspense>
        </main>
    }
}
