//! One shipment on the tracking page: carrier, tracking number, status and
//! what it carries.

use crate::present::tracking_view::ShipmentView;
use crate::ui::components::progress::ProgressBar;
use leptos::prelude::*;

#[component]
pub fn ShipmentCard(shipment: ShipmentView, tracking_number: String) -> impl IntoView {
    let badge = if shipment.delivered { "bg-emerald-100 text-emerald-900" } else { "bg-slate-100 text-slate-800" };
    let progress = shipment.progress;
    let progress_label = shipment.label.clone();
    view! {
        <article class="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid="shipment">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h3 class="font-semibold">{shipment.label}</h3>
                <span class=format!("rounded-full px-2.5 py-0.5 text-sm {badge}")>{shipment.status}</span>
            </div>
            <p class="mt-1 text-sm text-slate-700">
                {shipment.carrier}
                {shipment.service.map(|s| view! { <span>" " {s}</span> })}
                " · " {tracking_number} " "
                <span class="font-mono" dir="ltr">{shipment.tracking_number}</span>
            </p>
            {(!progress.is_empty()).then(|| view! { <ProgressBar steps=progress label=progress_label/> })}
            <ul class="mt-3 divide-y divide-slate-100 text-sm">
                {shipment.lines.into_iter().map(|l| view! {
                    <li class="flex justify-between gap-4 py-1.5">
                        <span>{l.description} <span class="text-slate-500">" (" {l.sku} ")"</span></span>
                        <span class="whitespace-nowrap tabular-nums">{l.quantity} " " {l.unit}</span>
                    </li>
                }).collect_view()}
            </ul>
        </article>
    }
}
