//! The status dictionary as a document for customer service and integrators,
//! generated from the same data the ingest path maps codes with.

use crate::ui::components::page_title::PageTitle;
use leptos::prelude::*;
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
        <PageTitle text="Status dictionary · Milepost"/>
        <main class="mx-auto max-w-5xl px-4 py-10">
            <h1 class="text-3xl font-semibold">"Status dictionary"</h1>
            <p class="mt-3 max-w-3xl text-slate-700">
                "Every source code Milepost understands, the milestone or exception it maps to, and what a buyer reads. "
                "A code is read most specific first: the exact "<code>"STATUS/DETAIL"</code>" pair, the carrier's own code "
                "(the "<code>"ups"</code>", "<code>"fedex"</code>", "<code>"usps"</code>" and "<code>"dhl"</code>" tables, when an "
                "aggregator passes it on), a detail that means the same under any status ("<code>"*/DETAIL"</code>"), then the "
                "status alone. Carrier sources without a row fall back to the generic "<code>"carrier"</code>" rows. "
                "Codes not listed are kept as "<code>"unmapped"</code>" events and never dropped."
            </p>
            <Suspense fallback=|| view! { <p class="mt-6">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let rows = rows.await.unwrap_or_default();
                    let mut sources: Vec<(String, Vec<DictionaryRow>)> = Vec::new();
                    for row in rows {
                        match sources.last_mut() {
                            Some((source, group)) if *source == row.source => group.push(row),
                            _ => sources.push((row.source.clone(), vec![row])),
                        }
                    }
                    view! {
                        <nav class="mt-6 flex flex-wrap gap-2 text-sm" aria-label="Sources">
                            {sources.iter().map(|(source, group)| view! {
                                <a class="rounded border border-slate-300 px-2 py-1 font-mono hover:bg-slate-50" href=format!("#source-{source}")>
                                    {source.clone()} " (" {group.len()} ")"
                                </a>
                            }).collect_view()}
                        </nav>
                        {sources.into_iter().map(|(source, group)| { let anchor = format!("source-{source}"); view! {
                            <section class="mt-8" id=anchor>
                                <h2 class="text-xl font-semibold font-mono">{source}</h2>
                                <table class="mt-2 w-full text-left text-sm" data-testid="dictionary">
                                    <thead class="text-slate-600">
                                        <tr>
                                            <th scope="col" class="py-2 pr-3">"Code"</th>
                                            <th scope="col" class="py-2 pr-3">"Meaning"</th>
                                            <th scope="col" class="py-2 pr-3">"Maps to"</th>
                                            <th scope="col" class="py-2">"Buyer sees"</th>
                                        </tr>
                                    </thead>
                                    <tbody class="divide-y divide-slate-100">
                                        {group.into_iter().map(|r| view! {
                                            <tr>
                                                <td class="py-1.5 pr-3 font-mono">{r.code}</td>
                                                <td class="py-1.5 pr-3">{r.meaning}</td>
                                                <td class="py-1.5 pr-3 font-mono">{r.canonical}</td>
                                                <td class="py-1.5">{if r.customer_visible { r.label } else { format!("(internal) {}", r.label) }}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                        }}).collect_view()}
                    }
                })}
            </Suspense>
        </main>
    }
}
