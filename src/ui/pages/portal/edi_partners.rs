//! Administrators set up trading partners (what each EDI sender sends and
//! which acknowledgment it gets back) and see the latest interchanges with
//! what each set became and the acknowledgment sent.

use super::{render, PortalShell};
use crate::present::portal_view::{InterchangeRow, PartnerFields, PartnerRow, PartnersPage as Partners, PortalPage};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[server(prefix = "/portal/fn", endpoint = "edi-partners")]
pub async fn portal_edi_partners(edit: String, draft: String) -> Result<PortalPage<Partners>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(crate::portal::pages::edi_partners(&state, signed_in, &edit, &draft).await)
}

const FIELD: &str = "mt-1 block w-full rounded border border-slate-300 px-2 py-1";
const CARD: &str = "rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200";

fn choice(value: &'static str, label: &'static str, chosen: &str) -> impl IntoView {
    view! { <option value=value selected=value == chosen>{label}</option> }
}

fn text_field(label: &'static str, name: &'static str, value: String, required: bool) -> impl IntoView {
    view! { <label class="text-sm">{label}<input class=FIELD name=name value=value required=required/></label> }
}

fn partner_form(form: PartnerFields, editing: bool, set_choices: Vec<(String, String)>, csrf: String) -> impl IntoView {
    let sets = form.sets.clone();
    let s = form.ship_to.clone();
    view! {
        <form method="post" action="/portal/admin/edi" class=format!("{CARD} space-y-4") data-testid="partner-form">
            <h2 class="text-lg font-semibold">{if editing { "Edit partner" } else { "Add a partner" }}</h2>
            <input type="hidden" name="csrf" value=csrf/>
            <div class="grid gap-3 sm:grid-cols-2">
                <label class="text-sm">"Sender ID (ISA06)"
                    <input class=FIELD name="sender_id" value=form.sender_id.clone() required maxlength="15"
                        readonly=editing aria-describedby="sender-help"/>
                    <span id="sender-help" class="text-xs text-slate-500">"As the partner sends it, without the padding."</span>
                </label>
                {text_field("Name", "name", form.name.clone(), false)}
            </div>
            <fieldset class="text-sm">
                <legend class="font-medium">"Sets it sends"</legend>
                <p class="text-xs text-slate-500">"None ticked: any set Milepost reads. Others are rejected in the acknowledgment."</p>
                <div class="mt-1 flex flex-wrap gap-x-4 gap-y-1">
                    {set_choices.into_iter().map(|(id, label)| {
                        let checked = sets.contains(&id);
                        view! {
                            <label class="flex items-center gap-1">
                                <input type="checkbox" name=format!("set_{id}") checked=checked/>{label}
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="grid gap-3 sm:grid-cols-3">
                <label class="text-sm">"Acknowledgment"
                    <select class=FIELD name="acknowledgment">
                        {choice("997", "997 functional", &form.acknowledgment)}
                        {choice("999", "999 implementation", &form.acknowledgment)}
                        {choice("none", "None", &form.acknowledgment)}
                    </select>
                </label>
                <label class="text-sm">"TA1 (interchange)"
                    <select class=FIELD name="ta1">
                        {choice("on_request", "When the ISA asks", &form.ta1)}
                        {choice("always", "Always", &form.ta1)}
                        {choice("never", "Never", &form.ta1)}
                    </select>
                </label>
                <label class="text-sm">"Time zone of its dates"
                    <input class=FIELD name="time_zone" value=form.time_zone.clone() placeholder="America/Chicago"/>
                    <span class="text-xs text-slate-500">"Blank: the company's own zone."</span>
                </label>
            </div>
            <label class="block text-sm">"Push acknowledgments to (optional)"
                <input class=FIELD type="url" name="ack_url" value=form.ack_url.clone() placeholder="https://edi.partner.example/acknowledgments"/>
                <span class="text-xs text-slate-500">"Each 997/999/TA1 is also POSTed there, signed like our webhooks; it is always in the API's answer and downloadable below."</span>
            </label>
            <label class="flex items-start gap-2 text-sm">
                <input type="checkbox" name="tolerant_counts" checked=form.tolerant_counts class="mt-1"/>
                <span>"Tolerate wrong GE01/IEA01 counts (accept with a warning in the acknowledgment instead of rejecting)"</span>
            </label>
            <fieldset class="text-sm">
                <legend class="font-medium">"Default ship-to for its purchase orders that name none"</legend>
                <p class="text-xs text-slate-500">"Leave blank to accept such orders flagged \u{201c}needs ship-to\u{201d} for customer service."</p>
                <div class="mt-1 grid gap-3 sm:grid-cols-2">
                    {text_field("Recipient", "ship_to_name", s.name, false)}
                    {text_field("Street", "ship_to_line1", s.line1, false)}
                    {text_field("Street, second line", "ship_to_line2", s.line2, false)}
                    {text_field("City", "ship_to_city", s.city, false)}
                    {text_field("State or region", "ship_to_region", s.region, false)}
                    {text_field("Postcode", "ship_to_postcode", s.postcode, false)}
                    {text_field("Country (2 letters)", "ship_to_country", s.country, false)}
                </div>
            </fieldset>
            <div class="flex flex-wrap gap-3">
                <button class="rounded bg-slate-900 px-3 py-1.5 text-white">{if editing { "Save changes" } else { "Add partner" }}</button>
                {editing.then(|| view! { <a class="rounded border border-slate-300 px-3 py-1.5" href="/portal/admin/edi">"Cancel"</a> })}
            </div>
        </form>
    }
}

fn partner_card(p: PartnerRow, csrf: String) -> impl IntoView {
    let title = if p.name.is_empty() { p.sender_id.clone() } else { format!("{} · {}", p.name, p.sender_id) };
    let rows = [
        ("Sets", p.sets),
        ("Acknowledgment", p.acknowledgment),
        ("TA1", p.ta1),
        ("Counts", p.counts),
        ("Time zone", p.time_zone),
        ("Default ship-to", p.ship_to.unwrap_or_else(|| "none: flagged for CS".into())),
    ];
    view! {
        <li class=CARD data-testid="partner">
            <h3 class="break-words font-semibold">{title}</h3>
            <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                {rows.into_iter().map(|(k, v)| view! { <dt class="text-slate-500">{k}</dt><dd class="break-words">{v}</dd> }).collect_view()}
            </dl>
            {p.ack_push.map(|(url, secret)| view! {
                <div class="mt-2 text-sm">
                    <p class="break-all"><span class="text-slate-500">"Pushed to "</span>{url}</p>
                    <details class="mt-1">
                        <summary class="cursor-pointer text-slate-600">"Signing secret"</summary>
                        <code class="mt-1 block break-all rounded bg-slate-100 p-2 text-xs" data-testid="ack-secret">{secret}</code>
                    </details>
                </div>
            })}
            <div class="mt-3 flex gap-2">
                <a class="rounded border border-slate-300 px-2 py-1 text-sm" href=p.edit_href>"Edit"</a>
                <form method="post" action="/portal/admin/edi">
                    <input type="hidden" name="csrf" value=csrf/>
                    <input type="hidden" name="action" value="remove"/>
                    <input type="hidden" name="sender_id" value=p.sender_id/>
                    <button class="rounded border border-red-300 px-2 py-1 text-sm text-red-800">"Remove"</button>
                </form>
            </div>
        </li>
    }
}

fn status_class(status: &str) -> &'static str {
    match status {
        "created" | "updated" => "bg-emerald-100 text-emerald-900",
        "duplicate" => "bg-slate-100 text-slate-700",
        "unmatched" | "unsupported" => "bg-amber-100 text-amber-900",
        _ => "bg-red-100 text-red-900",
    }
}

fn interchange_item(i: InterchangeRow) -> impl IntoView {
    view! {
        <li class="border-t border-slate-100 py-3 first:border-t-0" data-testid="interchange">
            <div class="flex flex-wrap items-baseline gap-x-3 text-sm">
                <span class="font-medium">{format!("{} #{}", i.sender, i.control_number)}</span>
                <span class="text-slate-500">{i.received}</span>
                {match i.acknowledgment_href {
                    Some(href) => view! { <a class="ml-auto text-sky-700 underline" rel="external" download href=href>"Acknowledgment"</a> }.into_any(),
                    None => view! { <span class="ml-auto text-slate-500">"No acknowledgment sent"</span> }.into_any(),
                }}
            </div>
            <ul class="mt-1 space-y-1 text-sm">
                {i.sets.into_iter().map(|s| view! {
                    <li class="flex flex-wrap gap-x-2">
                        <span>{s.set}</span>
                        <span class=format!("rounded px-1 {}", status_class(&s.status))>{s.status.clone()}</span>
                        <span class="break-words text-slate-600">{s.detail}</span>
                    </li>
                }).collect_view()}
            </ul>
        </li>
    }
}

#[component]
pub fn EdiPartnersPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || query.with(|q| (q.get("edit").unwrap_or_default(), q.get("draft").unwrap_or_default()));
    let page = Resource::new(params, |(edit, draft)| portal_edi_partners(edit, draft));
    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Loading trading partners…"</p> }>
            {move || Suspend::new(async move {
                render(page.await, |p| {
                    let csrf = p.viewer.csrf.clone();
                    view! {
                        <PortalShell viewer=p.viewer title="EDI trading partners".into()>
                            <p class="max-w-3xl text-sm text-slate-600">
                                "Senders without a profile get a 997 for each group, a TA1 when their ISA asks, strict counts and the company's time zone."
                            </p>
                            {partner_form(p.form, p.editing, p.set_choices, csrf.clone())}
                            <section>
                                <h2 class="mb-2 text-lg font-semibold">"Partners"</h2>
                                {if p.partners.is_empty() {
                                    view! { <p class="text-slate-600" data-testid="no-partners">"No profiles yet: every sender gets the defaults."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="grid gap-3 md:grid-cols-2">
                                            {p.partners.into_iter().map(|row| partner_card(row, csrf.clone())).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </section>
                            <section class=CARD>
                                <h2 class="text-lg font-semibold">"Latest interchanges"</h2>
                                {if p.interchanges.is_empty() {
                                    view! { <p class="mt-2 text-slate-600" data-testid="no-interchanges">"None received yet."</p> }.into_any()
                                } else {
                                    view! { <ul class="mt-2">{p.interchanges.into_iter().map(interchange_item).collect_view()}</ul> }.into_any()
                                }}
                            </section>
                        </PortalShell>
                    }.into_any()
                })
            })}
        </Suspense>
    }
}
