use crate::ui::tracking_view::TimelineEntry;
use leptos::prelude::*;

/// How many updates show before "Show all". Enough for the current story,
/// short enough to keep the page scannable on a phone.
const COLLAPSED: usize = 4;

#[component]
pub fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    let expanded = RwSignal::new(false);
    let total = entries.len();
    let entries = StoredValue::new(entries);
    let visible = move || {
        let all = entries.get_value();
        if expanded.get() { all } else { all.into_iter().take(COLLAPSED).collect() }
    };
    view! {
        <ol class="mt-4 space-y-0" data-testid="timeline" id="timeline-list">
            <For each=visible key=|entry| entry.id let:entry>
                <TimelineItem entry/>
            </For>
        </ol>
        {(total > COLLAPSED).then(|| view! {
            <button
                type="button"
                data-testid="timeline-toggle"
                aria-controls="timeline-list"
                aria-expanded=move || expanded.get().to_string()
                class="mt-3 text-sm font-medium text-[var(--brand)] underline underline-offset-2"
                on:click=move |_| expanded.update(|open| *open = !*open)
            >
                {move || if expanded.get() { "Show fewer updates".to_string() } else { format!("Show all {total} updates") }}
            </button>
        })}
    }
}

#[component]
fn TimelineItem(entry: TimelineEntry) -> impl IntoView {
    let dot = if entry.is_exception { "bg-red-600" } else { "bg-[var(--brand)]" };
    view! {
        <li class="relative border-l-2 border-slate-200 pb-4 pl-5 last:pb-0" data-testid="timeline-entry">
            <span class=format!("absolute -left-[7px] top-1 h-3 w-3 rounded-full ring-2 ring-white {dot}") aria-hidden="true"></span>
            <p class="font-medium" class:text-red-800=entry.is_exception>{entry.label}</p>
            <p class="text-sm text-slate-600">
                <time datetime=entry.when_utc>{entry.when}</time>
                {entry.location.map(|l| view! { <span>" · " {l}</span> })}
                {entry.shipment.map(|s| view! { <span>" · " {s}</span> })}
            </p>
            {(!entry.explanation.is_empty()).then(|| view! { <p class="text-sm text-slate-700">{entry.explanation}</p> })}
        </li>
    }
}
