//! One shipment on the tracking page: carrier, tracking number, status and
//! what it carries.

use crate::present::tracking_view::{PageTexts, ShipmentView};
use crate::ui::components::progress::ProgressBar;
use leptos::prelude::*;

#[component]
pub fn ShipmentCard(shipment: ShipmentView, texts: PageTexts) -> impl IntoView {
    let badge = if shipment.delivered { "bg-emerald-100 text-emerald-900" } else { "bg-slate-100 text-slate-800" };
    let progress = shipment.progress;
    let progress_label = shipment.label.clone();
    let number = shipment.tracking_number.clone();
    view! {
        <article class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid="shipment">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h3 class="font-semibold">{shipment.label}</h3>
                <span class=format!("rounded-full px-2.5 py-0.5 text-sm {badge}")>{shipment.status}</span>
            </div>
            <p class="mt-1 text-sm text-slate-700">
                {shipment.carrier}
                {shipment.service.map(|s| view! { <span>" " {s}</span> })}
                " · " {texts.tracking_number.clone()} " "
                {match shipment.tracking_url {
                    Some(url) => view! {
                        <a href=url class="font-mono text-[var(--brand)] underline" dir="ltr" rel="external noopener" target="_blank"
                           data-testid="carrier-link" title=texts.carrier_site.clone()>{number.clone()}</a>
                    }.into_any(),
                    None => view! { <span class="font-mono" dir="ltr">{number.clone()}</span> }.into_any(),
                }}
                " "
                <CopyButton value=number label=texts.copy.clone() done=texts.copied.clone()/>
            </p>
            {(!progress.is_empty()).then(|| view! { <ProgressBar steps=progress label=progress_label/> })}
            <ul class="mt-3 divide-y divide-slate-100 text-sm">
                {shipment.lines.into_iter().map(|l| view! {
                    <li class="flex justify-between gap-4 py-1.5">
                        <span>{l.description} <span class="text-slate-500">" (" {l.sku} ")"</span></span>
                        <span class="whitespace-nowrap tabular-nums">{l.quantity.to_string()} " " {l.unit}</span>
                    </li>
                }).collect_view()}
            </ul>
        </article>
    }
}

/// Copies a value with one click (or Enter/Space, as a button), and says so.
#[component]
fn CopyButton(value: String, label: String, done: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().navigator().clipboard().write_text(&value);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &value;
        copied.set(true);
    };
    view! {
        <button type="button" data-testid="copy-tracking-number" on:click=on_click
                class="rounded border border-slate-300 px-2 py-0.5 text-xs font-medium text-slate-700">
            {move || if copied.get() { done.clone() } else { label.clone() }}
        </button>
    }
}
