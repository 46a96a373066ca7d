//! Returns in the portal: customer service's queue (open returns, the
//! longest waiting first, with approve, decline and a note on each), the
//! returns part of an order page (status, lines, decisions, the credit
//! memos accounts payable files, the request form), and what a receiver's
//! site should expect back. Every action is a plain POST form that comes
//! back with its outcome.

use super::{render, PortalShell, STACK_BODY, STACK_CELL, STACK_HEAD, STACK_ROW, STACK_TABLE};
use crate::present::portal_returns_view::{
    ExpectedReturn, OrderReturns, PortalReturn, ReturnRequestForm, ReturnsGroup, ReturnsQueuePage as Queue,
};
use crate::present::portal_view::PortalPage;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[server(prefix = "/portal/fn", endpoint = "returns")]
pub async fn returns_queue(status: Option<String>) -> Result<PortalPage<Queue>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    let status = status.unwrap_or_default();
    crate::portal::answer(crate::portal::returns::queue(&state, signed_in, &status).await)
}

const CARD: &str = "rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200";
const FIELD: &str = "mt-1 block w-full rounded border border-slate-300 px-2 py-1";

#[component]
pub fn ReturnsPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status").filter(|s| !s.trim().is_empty()));
    let queue = Resource::new(status, returns_queue);
    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Loading returns…"</p> }>
            {move || Suspend::new(async move {
                render(queue.await, |page| view! {
                    <PortalShell viewer=page.viewer.clone() title="Returns".into()>
                        <QueueView page/>
                    </PortalShell>
                }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn QueueView(page: Queue) -> impl IntoView {
    let Queue { viewer, status, statuses, counts, groups, matching, limited_to, back } = page;
    let csrf = viewer.csrf.clone();
    view! {
        <section class="flex flex-wrap items-end gap-4" aria-label="Filter">
            <ul class="flex flex-wrap gap-2 text-sm" data-testid="returns-counts">
                {counts.into_iter().map(|(label, n)| view! {
                    <li class="rounded-full border border-slate-300 bg-white px-3 py-1">{label} " " <span class="font-semibold">{n}</span></li>
                }).collect_view()}
            </ul>
            <form method="get" action="/portal/cs/returns" class="ml-auto flex items-end gap-2 text-sm">
                <label>"Show"
                    <select name="status" class=FIELD>
                        {statuses.into_iter().map(|(code, label)| {
                            let chosen = code == status;
                            view! { <option value=code selected=chosen>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Apply"</button>
            </form>
        </section>
        <p class="text-sm text-slate-600" data-testid="returns-matching">
            {match limited_to {
                Some(limit) => format!("{matching} returns match; the {limit} that waited longest are listed."),
                None if matching == 1 => "1 return matches.".to_string(),
                None => format!("{matching} returns match."),
            }}
        </p>
        {groups.is_empty().then(|| view! { <p class="text-slate-600" data-testid="no-returns">"No returns here."</p> })}
        {groups.into_iter().map(|ReturnsGroup { title, items }| {
            let count = items.len();
            view! {
                <section class="space-y-2" data-testid="returns-group">
                    {(!title.is_empty()).then(|| view! {
                        <h2 class="text-lg font-semibold">{title.clone()} <span class="text-slate-500">{format!(" · {count}")}</span></h2>
                    })}
                    <ReturnTable items csrf=csrf.clone() back=back.clone() in_queue=true/>
                </section>
            }
        }).collect_view()}
    }
}

/// Returns as a table on a desk and labelled cards on a phone. The queue
/// shows each return's order and account and lets notes be added; an
/// order page leaves those to the page.
#[component]
fn ReturnTable(items: Vec<PortalReturn>, csrf: String, back: String, in_queue: bool) -> impl IntoView {
    let cell = STACK_CELL;
    let actions = in_queue || items.iter().any(|r| r.may_decide);
    view! {
        <div class="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
            <table class=STACK_TABLE data-testid="returns-table">
                <thead class=format!("bg-slate-100 text-left text-slate-600 {STACK_HEAD}")>
                    <tr>
                        <th class="px-3 py-2">"RMA"</th>
                        {in_queue.then(|| view! { <th class="px-3 py-2">"Order"</th><th class="px-3 py-2">"Account"</th> })}
                        <th class="px-3 py-2">"Status"</th>
                        <th class="px-3 py-2">"Lines"</th>
                        <th class="px-3 py-2">"Requested"</th>
                        <th class="px-3 py-2">"Progress"</th>
                        <th class="px-3 py-2">"Credit"</th>
                        {actions.then(|| view! { <th class="px-3 py-2">"Actions"</th> })}
                    </tr>
                </thead>
                <tbody class=STACK_BODY>
                    {items.into_iter().map(|r| {
                        let order_href = format!("/portal/orders/{}", r.order_number);
                        view! {
                            <tr class=STACK_ROW data-testid="return-row" data-rma=r.rma.clone() data-status=r.status.clone()>
                                <td class=format!("{cell} font-mono font-medium") data-label="RMA"><span data-testid="return-rma">{r.rma.clone()}</span></td>
                                {in_queue.then(|| view! {
                                    <td class=cell data-label="Order"><a class="whitespace-nowrap text-sky-700 underline" href=order_href.clone()>{r.order_number.clone()}</a></td>
                                    <td class=format!("{cell} [overflow-wrap:anywhere]") data-label="Account">{r.account.clone().unwrap_or_default()}</td>
                                })}
                                <td class=cell data-label="Status">
                                    <span>
                                        <span data-testid="return-status">{r.status_label.clone()}</span>
                                        {r.waiting.clone().map(|w| view! { <span class="block text-xs text-slate-600">"waiting " {w}</span> })}
                                        <span class="block text-xs text-slate-600">{r.resolution.clone()}</span>
                                    </span>
                                </td>
                                <td class=cell data-label="Lines">
                                    <ul class="min-w-0 space-y-1" data-testid="return-lines">
                                        {r.lines.iter().map(|l| view! {
                                            <li class="[overflow-wrap:anywhere]">
                                                <span class="font-medium">{l.quantity.clone()}</span> " · " {l.sku.clone()} " " <span class="text-slate-600">{l.description.clone()}</span>
                                                <span class="block text-xs text-slate-700">{l.reason.clone()}
                                                    {l.photo.clone().map(|href| view! {
                                                        " · " <a class="text-sky-700 underline" rel="external" target="_blank" href=href data-testid="return-photo">"photo"</a>
                                                    })}
                                                </span>
                                                {l.inspected.clone().map(|i| view! { <span class="block text-xs text-slate-600">"Inspected: " {i}</span> })}
                                            </li>
                                        }).collect_view()}
                                        {r.comment.clone().map(|c| view! { <li class="text-xs italic text-slate-700 [overflow-wrap:anywhere]">"“" {c} "”"</li> })}
                                    </ul>
                                </td>
                                <td class=format!("{cell} [overflow-wrap:anywhere]") data-label="Requested" data-testid="return-requested">{r.requested.clone()}</td>
                                <td class=cell data-label="Progress">
                                    <span class="min-w-0 [overflow-wrap:anywhere]">
                                        {r.decision.clone().map(|d| view! { <span class="block" data-testid="return-decision">{d}</span> })}
                                        {r.tracking.iter().map(|t| view! { <span class="block text-xs">"Return parcel " {t.clone()}</span> }).collect_view()}
                                    </span>
                                </td>
                                <td class=cell data-label="Credit" data-testid="return-credit">
                                    {match r.credit.clone() {
                                        Some(c) => view! {
                                            <span>
                                                <span class="block font-medium">{c.amount} " · " {c.settlement}</span>
                                                <span class="block text-xs text-slate-600">"Ref. " {c.reference} " · " {c.date}</span>
                                            </span>
                                        }.into_any(),
                                        None => view! { <span class="text-slate-500">"—"</span> }.into_any(),
                                    }}
                                </td>
                                {actions.then(|| view! {
                                    <td class=cell data-label="Actions">
                                        <ReturnActions r=r.clone() csrf=csrf.clone() back=back.clone() note=in_queue/>
                                    </td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Approve, decline with a reason, and (in the queue) a note on the order.
#[component]
fn ReturnActions(r: PortalReturn, csrf: String, back: String, note: bool) -> impl IntoView {
    let base = format!("/portal/cs/returns/{}", r.rma);
    let rma = r.rma.clone();
    view! {
        <div class="w-full space-y-2 sm:w-64">
            {r.may_decide.then(|| view! {
                <form method="post" action=format!("{base}/decision") class="inline">
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <input type="hidden" name="back" value=back.clone()/>
                    <button class="rounded bg-emerald-700 px-3 py-1 text-white" name="decision" value="approve"
                        data-testid="approve">{format!("Approve {rma}")}</button>
                </form>
                <form method="post" action=format!("{base}/decision") class="flex gap-2" data-testid="decline-form">
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <input type="hidden" name="back" value=back.clone()/>
                    <input type="hidden" name="decision" value="decline"/>
                    <input class="min-w-0 flex-1 rounded border border-slate-300 px-2 py-1" name="reason" required maxlength="500"
                        autocomplete="off" placeholder="Reason (the buyer reads it)" aria-label=format!("Why {rma} is declined")/>
                    <button class="rounded border border-red-700 px-2 py-1 text-red-800">"Decline"</button>
                </form>
            })}
            {note.then(|| view! {
                <form method="post" action=format!("{base}/notes") class="flex gap-2" data-testid="return-note-form">
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <input type="hidden" name="back" value=back.clone()/>
                    <input class="min-w-0 flex-1 rounded border border-slate-300 px-2 py-1" name="text" required maxlength="2000"
                        autocomplete="off" placeholder="Note on the order" aria-label=format!("Note about {rma}")/>
                    <button class="rounded border border-slate-400 px-2 py-1">"Add"</button>
                </form>
            })}
        </div>
    }
}

/// The returns part of an order page.
#[component]
pub fn ReturnsSection(returns: OrderReturns, number: String, csrf: String) -> impl IntoView {
    let OrderReturns { returns, request, back } = returns;
    view! {
        <section class=CARD aria-labelledby="returns-heading" id="returns" data-testid="order-returns">
            <h2 id="returns-heading" class="text-lg font-semibold">"Returns"</h2>
            {if returns.is_empty() {
                view! { <p class="mt-1 text-sm text-slate-600">"No returns on this order."</p> }.into_any()
            } else {
                view! { <div class="mt-3"><ReturnTable items=returns csrf=csrf.clone() back in_queue=false/></div> }.into_any()
            }}
            {request.map(|form| view! { <RequestForm form number csrf/> })}
        </section>
    }
}

#[component]
fn RequestForm(form: ReturnRequestForm, number: String, csrf: String) -> impl IntoView {
    let ReturnRequestForm { title, window, lines, reasons, resolutions, photo_note } = form;
    view! {
        <details class="mt-4 rounded-lg bg-slate-50 p-3">
            <summary class="cursor-pointer font-medium">{title.clone()}</summary>
            {window.map(|w| view! { <p class="mt-2 text-sm text-slate-700">{w}</p> })}
            {photo_note.map(|n| view! { <p class="mt-1 text-sm text-slate-600">{n}</p> })}
            <form method="post" action=format!("/portal/orders/{number}/returns") class="mt-3 space-y-3 text-sm"
                enctype="multipart/form-data" data-testid="return-request-form">
                <input type="hidden" name="csrf" value=csrf/>
                <ul class="space-y-2">
                    {lines.into_iter().map(|line| {
                        let label = format!("Line {} {}", line.line_number, line.sku);
                        view! {
                            <li class="grid grid-cols-1 gap-2 rounded border border-slate-200 bg-white p-2 sm:grid-cols-[1fr_8rem_14rem] lg:grid-cols-[1fr_8rem_14rem_14rem]">
                                <span class="min-w-0 [overflow-wrap:anywhere]">
                                    <span class="font-medium">{label.clone()}</span> " " {line.description} " · " {line.returnable}
                                </span>
                                <label>"Quantity"
                                    <input class=FIELD type="number" min="0" max=line.max step=line.step inputmode="decimal" value=""
                                        name=format!("quantity_{}", line.line_id) aria-label=format!("{label}: quantity to return")/>
                                </label>
                                <label>"Reason"
                                    <select class=FIELD name=format!("reason_{}", line.line_id) aria-label=format!("{label}: reason")>
                                        {reasons.iter().map(|(code, text)| view! { <option value=code.clone()>{text.clone()}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label class="sm:col-start-2 sm:col-span-2 lg:col-auto">"Photo (JPEG or PNG)"
                                    <input class="mt-1 block w-full text-sm" type="file" accept="image/jpeg,image/png"
                                        name=format!("photo_{}", line.line_id) aria-label=format!("{label}: photo")/>
                                </label>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <fieldset class="flex flex-wrap gap-4">
                    <legend class="font-medium">"Resolution"</legend>
                    {resolutions.into_iter().enumerate().map(|(i, (code, text))| view! {
                        <label class="flex items-center gap-1">
                            <input type="radio" name="resolution" value=code checked=i == 0/> {text}
                        </label>
                    }).collect_view()}
                </fieldset>
                <label class="block">"Comment"
                    <textarea class=FIELD name="comment" rows="2" maxlength="2000"></textarea>
                </label>
                <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Record the return"</button>
            </form>
        </details>
    }
}

/// Returns a receiver's site should expect back.
#[component]
pub fn ExpectedReturns(returns: Vec<ExpectedReturn>) -> impl IntoView {
    view! {
        <section aria-label="Returns expected back" data-testid="expected-returns" class="space-y-2">
            <h2 class="text-lg font-semibold">"Returns on their way back"</h2>
            {if returns.is_empty() {
                view! { <p class="text-slate-600">"No returns expected."</p> }.into_any()
            } else {
                view! {
                    <ul class="divide-y divide-slate-100 rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
                        {returns.into_iter().map(|r| {
                            let href = format!("/portal/orders/{}#returns", r.order_number);
                            view! {
                                <li class="px-3 py-2 text-sm" data-testid="expected-return" data-rma=r.rma.clone()>
                                    <p>
                                        <span class="font-mono font-medium">{r.rma.clone()}</span> " · "
                                        <a class="text-sky-700 underline" href=href>{r.order_number.clone()}</a> " · " {r.status_label.clone()}
                                    </p>
                                    <ul class="[overflow-wrap:anywhere]">{r.lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                                    {r.tracking.into_iter().map(|t| view! { <p class="text-slate-700 [overflow-wrap:anywhere]">"Tracking " {t}</p> }).collect_view()}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
