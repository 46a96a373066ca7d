//! One order for a signed-in person: status, lines (ordered, shipped in
//! which shipment, delivered, outstanding, received), shipments with their
//! packs, proofs of delivery and the receiving form, the order's returns
//! with their credits (and the form to ask for one), the timeline (with
//! internal events for staff) and customer service's desk. Live: the page
//! reloads its data whenever the order changes.

use super::returns::ReturnsSection;
use super::{render, PortalShell, STACK_BODY, STACK_CELL, STACK_HEAD, STACK_ROW, STACK_TABLE};
use crate::present::portal_view::*;
use crate::ui::components::progress::ProgressBar;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[server(prefix = "/portal/fn", endpoint = "order")]
pub async fn load_order(number: String) -> Result<PortalPage<PortalOrder>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(crate::portal::pages::order(&state, signed_in, &number).await)
}

const CARD: &str = "rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200";

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let order = Resource::new(number, load_order);

    // In the browser: follow the order's changes and reload on each.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
        #[cfg(feature = "hydrate")]
        follow(&number(), order);
    });

    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Loading the order…"</p> }>
            {move || Suspend::new(async move {
                render(order.await, |o| view! { <OrderContent o/> }.into_any())
            })}
        </Suspense>
    }
}

#[cfg(feature = "hydrate")]
fn follow(number: &str, order: Resource<Result<PortalPage<PortalOrder>, ServerFnError>>) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Ok(source) = web_sys::EventSource::new(&format!("/portal/orders/{number}/events")) else { return };
    let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| order.refetch());
    let _ = source.add_event_listener_with_callback("changed", on_change.as_ref().unchecked_ref());
    on_change.forget();
    on_cleanup(move || source.close());
}

#[component]
fn OrderContent(o: PortalOrder) -> impl IntoView {
    let csrf = o.viewer.csrf.clone();
    let number = o.number.clone();
    let title = format!("Order {}", o.number);
    view! {
        <PortalShell viewer=o.viewer.clone() title>
            <section class=CARD>
                <p class="text-sm text-slate-600">
                    {o.po.clone().map(|po| view! { <span>"PO " {po} " · "</span> })}
                    "Ship to " {o.ship_to.join(", ")}
                </p>
                <p class="mt-1 text-xl font-semibold" data-testid="headline">{o.headline.clone()}</p>
                <ProgressBar steps=o.progress.clone() label="Order progress"/>
                <p class="mt-3 text-sm">
                    <a class="text-sky-700 underline" rel="external" target="_blank" data-testid="buyer-view"
                        href=format!("/portal/orders/{}/buyer-view", o.number)>"See the buyer's tracking page"</a>
                </p>
                {o.forecast.clone().map(|f| view! {
                    <p class="mt-1 font-medium text-slate-900" data-testid="forecast">{f.arriving}</p>
                    <p class="text-sm text-slate-500">{f.reason}</p>
                })}
                {o.late_risk.clone().map(|risk| view! {
                    <p class="text-sm text-slate-600" data-testid="late-risk">"Chance of missing the promised date: " {risk}</p>
                })}
                {o.promised.clone().map(|p| view! { <p class="mt-1 text-slate-700">"Promised " {p}</p> })}
                {o.late.then(|| view! { <p class="mt-2 rounded bg-amber-50 px-2 py-1 text-amber-900" data-testid="late">"Late: not delivered by the promised date."</p> })}
            </section>

            <section class=CARD aria-labelledby="lines-heading">
                <h2 id="lines-heading" class="text-lg font-semibold">"Lines"</h2>
                <table class=format!("mt-2 {STACK_TABLE}") data-testid="lines">
                    <thead class=format!("text-left text-slate-600 {STACK_HEAD}")><tr>
                        <th class="px-3 py-1">"Line"</th><th class="px-3 py-1">"Item"</th><th class="px-3 py-1">"Ordered"</th>
                        <th class="px-3 py-1">"Shipped (in)"</th><th class="px-3 py-1">"Delivered"</th>
                        <th class="px-3 py-1">"Outstanding"</th><th class="px-3 py-1">"Received"</th>
                    </tr></thead>
                    <tbody class=STACK_BODY>
                        {o.lines.iter().map(|l| view! {
                            <tr class=STACK_ROW data-testid="line">
                                <td class=STACK_CELL data-label="Line">{l.line_number}</td>
                                <td class=STACK_CELL data-label="Item"><span class="min-w-0 [overflow-wrap:anywhere]">{l.sku.clone()} <span class="text-slate-600">" " {l.description.clone()}</span></span></td>
                                <td class=STACK_CELL data-label="Ordered" data-testid="ordered">{l.ordered.to_string()} " " {l.unit.clone()}</td>
                                <td class=STACK_CELL data-label="Shipped (in)" data-testid="shipped">
                                    <span>{l.shipped.to_string()}
                                    {l.shipped_in.iter().map(|(s, q)| view! { <span class="block text-xs text-slate-600">{q.to_string()} " in " {s.clone()}</span> }).collect_view()}
                                    </span>
                                </td>
                                <td class=STACK_CELL data-label="Delivered" data-testid="delivered">{l.delivered.to_string()}</td>
                                <td class=STACK_CELL data-label="Outstanding" data-testid="outstanding">{l.outstanding.to_string()}</td>
                                <td class=STACK_CELL data-label="Received" data-testid="received">
                                    <span>
                                    {l.received.map(|r| r.to_string()).unwrap_or_else(|| "—".into())}
                                    {l.damaged.is_positive().then(|| view! { <span class="block text-xs text-red-800">{l.damaged.to_string()} " damaged"</span> })}
                                    </span>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>

            {o.shipments.iter().map(|s| view! { <ShipmentSection s=s.clone() number=number.clone() csrf=csrf.clone()/> }).collect_view()}

            {o.returns.clone().map(|returns| view! { <ReturnsSection returns number=number.clone() csrf=csrf.clone()/> })}

            {o.desk.clone().map(|desk| view! { <Desk desk number=number.clone() csrf=csrf.clone()/> })}

            <section class=CARD aria-labelledby="timeline-heading">
                <h2 id="timeline-heading" class="text-lg font-semibold">"Timeline"</h2>
                <ol class="mt-3 space-y-2" data-testid="timeline">
                    {o.timeline.iter().map(|t| view! {
                        <li class="border-l-2 pl-3" class:border-red-400=t.exception class:border-slate-300=!t.exception data-testid="timeline-item">
                            <p class="font-medium">{t.label.clone()}
                                {t.internal.then(|| view! { <span class="ml-2 rounded bg-slate-100 px-1 text-xs text-slate-600">"internal"</span> })}
                            </p>
                            <p class="text-xs text-slate-600">{t.when.clone()} " · " {t.source.clone()}
                                {t.shipment.clone().map(|s| view! { <span>" · " {s}</span> })}
                            </p>
                            {t.detail.clone().map(|d| view! { <p class="text-sm text-slate-800">{d}</p> })}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        </PortalShell>
    }
}

#[component]
fn ShipmentSection(s: PortalShipment, number: String, csrf: String) -> impl IntoView {
    let receive_action = format!("/portal/orders/{number}/receipts");
    view! {
        <section class=CARD data-testid="shipment">
            <h2 class="text-lg font-semibold">"Shipment " {s.label.clone()}</h2>
            <p class="text-slate-700">{s.status.clone()}</p>
            {(!s.packs.is_empty()).then(|| view! {
                <details class="mt-2"><summary class="cursor-pointer text-sm">"Advance ship notice: " {s.packs.len()} " packs"</summary>
                    <ul class="mt-1 text-sm" data-testid="packs">
                        {s.packs.iter().map(|p| view! { <li>{p.label.clone()} ": " {p.items.join(", ")}</li> }).collect_view()}
                    </ul>
                </details>
            })}
            {s.pod.clone().map(|pod| view! {
                <div class="mt-3 text-sm" data-testid="pod">
                    <p>"Proof of delivery " {pod.id.clone()} ": received by " {pod.receiver.clone()} ", " {pod.when.clone()}</p>
                    <p class="mt-1 flex flex-wrap gap-3">
                        <a class="text-sky-700 underline" rel="external" download href=pod.pdf.clone() data-testid="pod-pdf">"PDF"</a>
                        {pod.files.iter().map(|(label, href)| view! {
                            <a class="text-sky-700 underline" rel="external" download href=href.clone()>{label.clone()}</a>
                        }).collect_view()}
                    </p>
                </div>
            })}
            {s.receipt.clone().map(|r| view! { <p class="mt-3 text-sm" data-testid="receipt">"Received: " {r}</p> })}
            {(!s.corrections.is_empty()).then(|| view! {
                <details class="mt-2 text-sm" data-testid="receipt-corrections">
                    <summary class="cursor-pointer">{format!("Corrected {} time(s)", s.corrections.len())}</summary>
                    <ul class="mt-1 list-disc pl-5">{s.corrections.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
                </details>
            })}
            {(!s.to_count.is_empty()).then(|| {
                let correcting = s.correcting;
                view! {
                <form id=if correcting { "correct" } else { "receive" } method="post" action=receive_action.clone()
                    class="mt-4 space-y-3 rounded-lg bg-slate-50 p-3" data-testid=if correcting { "correct-form" } else { "receive-form" }>
                    <h3 class="font-semibold">{if correcting { "Correct the receipt" } else { "Receive this shipment" }}</h3>
                    <p class="text-sm text-slate-600">
                        {if correcting {
                            "Count again and say why; the earlier count is kept in the history."
                        } else {
                            "Count every line. Damaged units are part of the count."
                        }}
                    </p>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <input type="hidden" name="shipment" value=s.id.to_string()/>
                    <ul class="space-y-2 text-sm">
                        {s.to_count.iter().map(|item| {
                            let counted = format!("counted_{}", item.order_line_id);
                            let damaged = format!("damaged_{}", item.order_line_id);
                            let label = format!("Line {} {}", item.line_number, item.sku);
                            view! {
                                <li class="flex flex-wrap items-end gap-3">
                                    <span class="min-w-0 basis-full sm:basis-56">
                                        <span class="font-medium">{label.clone()}</span>
                                        " · expected " {format!("{} {}", item.quantity, item.unit)}
                                        {item.received.map(|(c, d)| format!(" · received {c}, {d} damaged"))}
                                    </span>
                                    <label>"Counted"
                                        <input class="mt-1 block w-24 rounded border border-slate-300 px-2 py-1" type="number" min="0" step="any" inputmode="decimal"
                                            name=counted required value="" aria-label=format!("{label} counted")/>
                                    </label>
                                    <label>"Damaged"
                                        <input class="mt-1 block w-24 rounded border border-slate-300 px-2 py-1" type="number" min="0" step="any" inputmode="decimal"
                                            name=damaged value="" placeholder="0" aria-label=format!("{label} damaged")/>
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <label class="block text-sm">{if correcting { "Why is it corrected?" } else { "If the count differs: why?" }}
                        <select class="mt-1 block w-full rounded border border-slate-300 px-2 py-1" name="reason" required=correcting>
                            <option value="">"Choose…"</option>
                            {crate::domain::receiving::DiscrepancyReason::ALL.into_iter().map(|r| view! {
                                <option value=r.code()>{r.label()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="block text-sm">"Note"<input class="mt-1 block w-full rounded border border-slate-300 px-2 py-1" name="note"/></label>
                    <div class="flex flex-wrap gap-2">
                        <button class="rounded bg-slate-900 px-3 py-1.5 text-white">{if correcting { "Save correction" } else { "Confirm receipt" }}</button>
                        {(!correcting).then(|| view! {
                            <button class="rounded border border-slate-400 px-3 py-1.5" name="all_as_expected" value="yes" formnovalidate
                                data-testid="all-as-expected">"All arrived as expected"</button>
                        })}
                    </div>
                </form>
            }})}
        </section>
    }
}

#[component]
fn Desk(desk: ServiceDesk, number: String, csrf: String) -> impl IntoView {
    let base = format!("/portal/orders/{number}");
    let field = "mt-1 block w-full rounded border border-slate-300 px-2 py-1";
    view! {
        <section class=CARD aria-labelledby="desk-heading" data-testid="desk">
            <h2 id="desk-heading" class="text-lg font-semibold">"Customer service"</h2>
            <p class="text-sm text-slate-700">"Contact: " {desk.contact.join(" · ")}</p>
            <div class="mt-4 grid gap-4 md:grid-cols-2">
                <form method="post" action=format!("{base}/status") class="space-y-2" data-testid="override-form">
                    <h3 class="font-semibold">"Change status"</h3>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    // Nothing is chosen until the person chooses: a resolution
                    // recorded by pressing Enter would close a real problem.
                    <select class=field name="status" aria-label="New status" required>
                        <option value="" selected>"Choose…"</option>
                        {(!desk.open_exceptions.is_empty()).then(|| view! {
                            <optgroup label="Resolve an open exception">
                                {desk.open_exceptions.iter().map(|(code, label)| view! { <option value=code.clone()>{label.clone()}</option> }).collect_view()}
                            </optgroup>
                        })}
                        <optgroup label="Set a milestone or raise an exception">
                            {desk.statuses.iter().map(|(code, label)| view! { <option value=code.clone()>{label.clone()}</option> }).collect_view()}
                        </optgroup>
                    </select>
                    <label class="block text-sm">"Reason (required)"<input class=field name="reason" required maxlength="500"/></label>
                    <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Record"</button>
                </form>
                <form method="post" action=format!("{base}/notes") class="space-y-2">
                    <h3 class="font-semibold">"Add a note"</h3>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <label class="block text-sm">"Note (internal)"<textarea class=field name="text" required maxlength="2000"></textarea></label>
                    <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Add note"</button>
                </form>
                <div class="space-y-2">
                    <h3 class="font-semibold">"Tracking link"</h3>
                    <ul class="text-sm">{desk.tracking_links.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view()}</ul>
                    <form method="post" action=format!("{base}/tracking-link") class="flex gap-2">
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <button class="rounded border border-slate-300 px-2" name="action" value="revoke">"Revoke"</button>
                        <button class="rounded border border-slate-300 px-2" name="action" value="reissue">"Revoke and reissue"</button>
                    </form>
                </div>
                <div class="space-y-2">
                    <h3 class="font-semibold">"Notifications"</h3>
                    <ul class="space-y-1 text-sm" data-testid="notifications">
                        {desk.notifications.iter().map(|n| view! {
                            <li class="flex items-center gap-2">
                                <span>{n.trigger.clone()} " · " {n.channel.clone()} " to " {n.recipient.clone()} " · " {n.state.clone()}</span>
                                <form method="post" action=format!("{base}/notifications/{}/resend", n.id)>
                                    <input type="hidden" name="csrf" value=csrf.clone()/>
                                    <button class="rounded border border-slate-300 px-2">"Resend"</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            </div>
            <h3 class="mt-4 font-semibold">"Audit log"</h3>
            <ul class="mt-1 space-y-1 text-sm" data-testid="audit">
                {desk.audit.iter().map(|a| view! {
                    <li>{a.when.clone()} " · " {a.who.clone()} " · " {a.action.clone()} ": " {a.detail.clone()}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}
