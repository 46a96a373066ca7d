//! Accounts payable: delivered shipments with their proof of delivery,
//! each POD as a PDF, every POD of a date range as one ZIP, and the CSV
//! for invoice matching.

use super::{render, PortalShell, STACK_BODY, STACK_CELL, STACK_HEAD, STACK_ROW, STACK_TABLE};
use crate::present::portal_view::{DeliveriesPage as Deliveries, PortalPage};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[server(prefix = "/portal/fn", endpoint = "deliveries")]
pub async fn portal_deliveries(from: String, to: String) -> Result<PortalPage<Deliveries>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(crate::portal::pages::deliveries(&state, signed_in, &from, &to).await)
}

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let query = use_query_map();
    let range = move || query.with(|q| (q.get("from").unwrap_or_default(), q.get("to").unwrap_or_default()));
    let page = Resource::new(range, |(from, to)| portal_deliveries(from, to));
    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Loading deliveries…"</p> }>
            {move || Suspend::new(async move {
                render(page.await, |d| view! {
                    <PortalShell viewer=d.viewer title="Deliveries and proof of delivery".into()>
                        <form method="get" action="/portal/deliveries" class="flex flex-wrap items-end gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
                            <label class="text-sm">"Delivered from"
                                <input class="mt-1 block rounded border border-slate-300 px-2 py-1" type="date" name="from" value=d.from.clone()/>
                            </label>
                            <label class="text-sm">"to"
                                <input class="mt-1 block rounded border border-slate-300 px-2 py-1" type="date" name="to" value=d.to.clone()/>
                            </label>
                            <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Show"</button>
                            <a class="rounded border border-slate-300 px-3 py-1.5" rel="external" download href=d.csv_href.clone() data-testid="csv">"CSV for invoice matching"</a>
                            <a class="rounded border border-slate-300 px-3 py-1.5" rel="external" download href=d.zip_href.clone() data-testid="zip">"All PODs (ZIP)"</a>
                        </form>
                        {if d.rows.is_empty() {
                            view! { <p class="text-slate-600" data-testid="no-deliveries">"No deliveries in this period."</p> }.into_any()
                        } else {
                            view! {
                                <div class="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
                                <table class=STACK_TABLE data-testid="deliveries">
                                    <thead class=format!("bg-slate-100 text-left text-slate-600 {STACK_HEAD}")><tr>
                                        <th class="px-3 py-2">"PO"</th><th class="px-3 py-2">"Order"</th><th class="px-3 py-2">"Shipment"</th>
                                        <th class="px-3 py-2">"Delivered qty"</th><th class="px-3 py-2">"Delivered at"</th>
                                        <th class="px-3 py-2">"Proof of delivery"</th><th class="px-3 py-2">"Shortage"</th>
                                    </tr></thead>
                                    <tbody class=STACK_BODY>
                                        {d.rows.into_iter().map(|r| {
                                            let order_href = format!("/portal/orders/{}", r.order_number);
                                            view! {
                                                <tr class=STACK_ROW data-testid="delivery-row">
                                                    <td class=format!("{STACK_CELL} [overflow-wrap:anywhere]") data-label="PO">{r.po.clone().unwrap_or_default()}</td>
                                                    <td class=STACK_CELL data-label="Order"><a class="whitespace-nowrap text-sky-700 underline" href=order_href>{r.order_number.clone()}</a></td>
                                                    <td class=format!("{STACK_CELL} [overflow-wrap:anywhere]") data-label="Shipment">{r.shipment.clone()}</td>
                                                    <td class=STACK_CELL data-label="Delivered qty">{r.delivered_quantity.to_string()}</td>
                                                    <td class=STACK_CELL data-label="Delivered at">{r.delivered_at.clone()}</td>
                                                    <td class=STACK_CELL data-label="Proof of delivery"><span>{match (r.pod.clone(), r.pod_pdf.clone()) {
                                                        (Some(id), Some(pdf)) => view! {
                                                            <a class="text-sky-700 underline" rel="external" download href=pdf data-testid="pod-pdf">{id} " (PDF)"</a>
                                                            {r.receiver.clone().map(|name| view! { <span class="text-slate-600">" · signed by " {name}</span> })}
                                                        }.into_any(),
                                                        _ => view! { <span class="text-amber-800">"missing"</span> }.into_any(),
                                                    }}</span></td>
                                                    <td class=STACK_CELL data-label="Shortage">{if r.shortage { "yes" } else { "no" }}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                            }.into_any()
                        }}
                    </PortalShell>
                }.into_any())
            })}
        </Suspense>
    }
}
