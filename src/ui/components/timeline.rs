//! The order's timeline, newest first, as the viewer may see it.

use crate::present::tracking_view::TimelineEntry;
use leptos::prelude::*;
use std::collections::HashSet;

/// How many updates show before "Show all". Enough for the current story,
/// short enough to keep the page scannable on a phone.
const COLLAPSED: usize = 4;

/// Newest first. Entries not in `rendered_ids` arrived live and are
/// highlighted; the keyed list inserts them without touching the others.
#[component]
pub fn Timeline(
    entries: Signal<Vec<TimelineEntry>>,
    rendered_ids: HashSet<i64>,
    show_all: Signal<String>,
    show_fewer: Signal<String>,
) -> impl IntoView {
    let expanded = RwSignal::new(false);
    let total = move || entries.with(Vec::len);
    // Every entry is in the HTML (a plain fetch gets the full history); only
    // the newest few are shown until the buyer asks for more.
    let newest =
        Memo::new(move |_| entries.with(|all| all.iter().take(COLLAPSED).map(|e| e.id).collect::<HashSet<_>>()));
    let rendered_ids = StoredValue::new(rendered_ids);
    view! {
        <ol class="mt-4 space-y-0" data-testid="timeline" id="timeline-list">
            <For each=move || entries.get() key=|entry| entry.id let:entry>
                {
                    let id = entry.id;
                    let hidden = Signal::derive(move || !expanded.get() && !newest.with(|ids| ids.contains(&id)));
                    view! { <TimelineItem fresh=!rendered_ids.with_value(|ids| ids.contains(&id)) hidden entry/> }
                }
            </For>
        </ol>
        {move || (total() > COLLAPSED).then(|| view! {
            <button
                type="button"
                data-testid="timeline-toggle"
                aria-controls="timeline-list"
                aria-expanded=move || expanded.get().to_string()
                class="mt-3 text-sm font-medium text-[var(--brand)] underline underline-offset-2"
                on:click=move |_| expanded.update(|open| *open = !*open)
            >
                {move || if expanded.get() { show_fewer.get() } else { show_all.get() }}
            </button>
        })}
    }
}

#[component]
fn TimelineItem(entry: TimelineEntry, fresh: bool, hidden: Signal<bool>) -> impl IntoView {
    let dot = if entry.is_exception { "bg-red-600" } else { "bg-[var(--brand)]" };
    view! {
        <li class="relative border-l-2 border-slate-200 pb-4 pl-5 last:pb-0" class:mp-fresh=fresh class:hidden=hidden
            data-testid="timeline-entry" data-event-id=entry.id>
            <span class=format!("absolute -left-[7px] top-1 h-3 w-3 rounded-full ring-2 ring-white {dot}") aria-hidden="true"></span>
            <p class="font-medium" class:text-red-800=entry.is_exception>{entry.label}</p>
            <p class="text-sm text-slate-600">
                <time datetime=entry.when_utc>{entry.when}</time>
                {entry.location.map(|l| view! { <span>" · " {l}</span> })}
                {entry.source_clock.map(|c| view! { <span class="text-slate-500" data-testid="source-clock">" (" {c} ")"</span> })}
                {entry.shipment.map(|s| view! { <span>" · " {s}</span> })}
            </p>
            {(!entry.explanation.is_empty()).then(|| view! { <p class="text-sm text-slate-700">{entry.explanation}</p> })}
        </li>
    }
}
