//! The status dictionary as a document for customer service and integrators,
//! generated from the same data the ingest path maps codes with: what each
//! source code means, what it maps to, and what a buyer reads, in any of
//! the buyer languages. Searchable (a plain GET form, so it works without
//! the wasm), and one readable column on a phone.

use crate::ui::components::page_title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DictionaryRow {
    pub source: String,
    pub code: String,
    pub meaning: String,
    pub canonical: String,
    /// What a buyer reads, in the chosen language.
    pub label: String,
    pub explanation: String,
    pub customer_visible: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dictionary {
    pub rows: Vec<DictionaryRow>,
    /// Every row, before the search.
    pub total: usize,
    /// `(tag, name)` of each buyer language, and the chosen one.
    pub languages: Vec<(String, String)>,
    pub lang: String,
}

/// Rows whose code, meaning, milestone or buyer text contain `q` (any case).
#[server]
pub async fn get_status_dictionary(q: Option<String>, lang: Option<String>) -> Result<Dictionary, ServerFnError> {
    use crate::domain::language::Language;
    use crate::i18n::Translator;
    let state = expect_context::<crate::state::AppState>();
    let language = lang.as_deref().and_then(|l| Language::parse(l).ok()).unwrap_or(Language::English);
    let t = Translator::new(language, "en-GB");
    let query = q.unwrap_or_default().trim().to_lowercase();
    let entries = state.dictionary.entries();
    let total = entries.len();
    let rows = entries
        .into_iter()
        .map(|e| {
            let meaning = state.dictionary.row_meaning(e);
            DictionaryRow {
                source: e.source.clone(),
                code: e.code.clone(),
                meaning: e.meaning.clone(),
                canonical: e.canonical.code(),
                label: meaning.map_or_else(|| t.label(e.canonical), |m| t.meaning_label(m)),
                explanation: meaning.map_or_else(|| t.explanation(e.canonical), |m| t.meaning_explanation(m)),
                customer_visible: e.canonical.presentation().customer_visible,
            }
        })
        .filter(|r| {
            query.is_empty()
                || [&r.source, &r.code, &r.meaning, &r.canonical, &r.label]
                    .iter()
                    .any(|f| f.to_lowercase().contains(&query))
        })
        .collect();
    let languages = Language::ALL.iter().map(|l| (l.tag().to_string(), l.native_name().to_string())).collect();
    Ok(Dictionary { rows, total, languages, lang: language.tag().to_string() })
}

#[component]
pub fn StatusDictionaryPage() -> impl IntoView {
    let query = use_query_map();
    let dictionary = Resource::new(
        move || (query.read().get("q"), query.read().get("lang")),
        |(q, lang)| get_status_dictionary(q, lang),
    );
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
                "Codes not listed are kept as "<code>"unmapped"</code>" events and never dropped. Some codes keep a meaning "
                "finer than their milestone (available for pickup, delivered to a neighbour, lost, held at customs): "
                "that is what the buyer reads."
            </p>
            <Suspense fallback=|| view! { <p class="mt-6">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let Ok(dictionary) = dictionary.await else {
                        return view! { <p class="mt-6" role="alert">"The dictionary is unavailable just now."</p> }.into_any();
                    };
                    view! { <DictionaryContent dictionary q=query.read_untracked().get("q").unwrap_or_default()/> }.into_any()
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn DictionaryContent(dictionary: Dictionary, q: String) -> impl IntoView {
    let Dictionary { rows, total, languages, lang } = dictionary;
    let shown = rows.len();
    let mut sources: Vec<(String, Vec<DictionaryRow>)> = Vec::new();
    for row in rows {
        match sources.last_mut() {
            Some((source, group)) if *source == row.source => group.push(row),
            _ => sources.push((row.source.clone(), vec![row])),
        }
    }
    view! {
        <form method="get" action="/status-dictionary" role="search" class="mt-6 flex flex-wrap items-end gap-3" data-testid="dictionary-search">
            <label class="block grow text-sm font-medium">"Search codes, meanings and buyer texts"
                <input type="search" name="q" value=q class="mt-1 block w-full rounded border border-slate-300 px-3 py-2"/>
            </label>
            <label class="block text-sm font-medium">"Buyer language"
                <select name="lang" class="mt-1 block rounded border border-slate-300 px-2 py-2">
                    {languages.into_iter().map(|(tag, name)| {
                        let selected = tag == lang;
                        view! { <option value=tag.clone() selected=selected lang=tag>{name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="rounded bg-slate-900 px-4 py-2 font-medium text-white">"Search"</button>
        </form>
        <p class="mt-2 text-sm text-slate-600" data-testid="dictionary-count">{format!("{shown} of {total} codes")}</p>
        <nav class="mt-4 flex flex-wrap gap-2 text-sm" aria-label="Sources">
            {sources.iter().map(|(source, group)| view! {
                <a class="rounded border border-slate-300 px-2 py-1 font-mono hover:bg-slate-50" href=format!("#source-{source}")>
                    {source.clone()} " (" {group.len()} ")"
                </a>
            }).collect_view()}
        </nav>
        {sources.into_iter().map(|(source, group)| { let anchor = format!("source-{source}"); view! {
            <section class="mt-8" id=anchor>
                <h2 class="text-xl font-semibold font-mono">{source}</h2>
                // A table on wide screens; each row a stacked card on a phone.
                <table class="mt-2 w-full text-left text-sm" data-testid="dictionary">
                    <thead class="hidden text-slate-600 sm:table-header-group">
                        <tr>
                            <th scope="col" class="py-2 pr-3">"Code"</th>
                            <th scope="col" class="py-2 pr-3">"Meaning"</th>
                            <th scope="col" class="py-2 pr-3">"Maps to"</th>
                            <th scope="col" class="py-2">"Buyer sees"</th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-slate-100" lang=lang.clone()>
                        {group.into_iter().map(|r| view! {
                            <tr class="block py-2 sm:table-row sm:py-0" data-testid="dictionary-row">
                                <td class="block break-all py-0.5 font-mono sm:table-cell sm:py-1.5 sm:pr-3">{r.code}</td>
                                <td class="block py-0.5 sm:table-cell sm:py-1.5 sm:pr-3" lang="en">{r.meaning}</td>
                                <td class="block py-0.5 font-mono text-slate-600 sm:table-cell sm:py-1.5 sm:pr-3">{r.canonical}</td>
                                <td class="block py-0.5 sm:table-cell sm:py-1.5">
                                    <span class="font-medium">{if r.customer_visible { r.label } else { format!("(internal) {}", r.label) }}</span>
                                    {(!r.explanation.is_empty()).then(|| view! { <span class="block text-slate-600">{r.explanation}</span> })}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }}).collect_view()}
    }
}
