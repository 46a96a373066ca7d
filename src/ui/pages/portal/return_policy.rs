//! Administrators set the return policy (window, final-sale SKUs, reasons
//! and which need a photo, resolutions, review) and the return address of
//! each ship-from site. The forms post to `portal::return_policy`.

use super::{render, PortalShell};
use crate::present::portal_returns_view::{ReturnAddressRow, ReturnPolicyPage as Policy};
use crate::present::portal_view::PortalPage;
use leptos::prelude::*;

#[server(prefix = "/portal/fn", endpoint = "return-policy")]
pub async fn portal_return_policy() -> Result<PortalPage<Policy>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(crate::portal::pages::return_policy(&state, signed_in).await)
}

const FIELD: &str = "mt-1 block w-full rounded border border-slate-300 px-2 py-1";
const CARD: &str = "rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200";

fn policy_form(p: &Policy, csrf: String) -> impl IntoView {
    view! {
        <form method="post" action="/portal/admin/returns" class=format!("{CARD} space-y-4") data-testid="policy-form">
            <h2 class="text-lg font-semibold">"Policy"</h2>
            <p class="text-sm text-slate-600" data-testid="policy-saved">{p.saved.clone()}</p>
            <input type="hidden" name="csrf" value=csrf/>
            <div class="grid gap-3 sm:grid-cols-2">
                <label class="text-sm">"Return window (days after delivery)"
                    <input class=FIELD type="number" name="window_days" min="1" max="365" required value=p.window_days.to_string()/>
                </label>
                <label class="text-sm">"Final-sale SKUs (one per line; PREFIX-* for a family)"
                    <textarea class=FIELD name="non_returnable" rows="3" placeholder="GIFT-*">{p.non_returnable.clone()}</textarea>
                </label>
            </div>
            <fieldset class="text-sm">
                <legend class="font-medium">"Reasons offered, and which need a photo"</legend>
                <ul class="mt-1 grid gap-1 sm:grid-cols-2">
                    {p.reasons.iter().map(|r| view! {
                        <li class="flex flex-wrap items-center gap-x-4">
                            <label class="flex min-w-[12rem] items-center gap-1">
                                <input type="checkbox" name=format!("reason_{}", r.code) checked=r.offered/>{r.label.clone()}
                            </label>
                            <label class="flex items-center gap-1 text-slate-600">
                                <input type="checkbox" name=format!("photo_{}", r.code) checked=r.needs_photo
                                    aria-label=format!("{}: needs a photo", r.label)/>"photo"
                            </label>
                        </li>
                    }).collect_view()}
                </ul>
            </fieldset>
            <fieldset class="text-sm">
                <legend class="font-medium">"Resolutions offered"</legend>
                <div class="mt-1 flex flex-wrap gap-x-4 gap-y-1">
                    {p.resolutions.iter().map(|(code, label, offered)| view! {
                        <label class="flex items-center gap-1">
                            <input type="checkbox" name=format!("resolution_{code}") checked=*offered/>{label.clone()}
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <label class="flex items-start gap-2 text-sm">
                <input type="checkbox" name="requires_approval" checked=p.requires_approval class="mt-1"/>
                <span>"Customer service reviews each request (otherwise a request the policy accepts is approved at once, and the buyer can print the label)"</span>
            </label>
            <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Save policy"</button>
        </form>
    }
}

fn address_card(a: ReturnAddressRow, csrf: String) -> impl IntoView {
    view! {
        <li class=CARD data-testid="return-address">
            <h3 class="font-semibold">{a.site}</h3>
            <address class="mt-1 text-sm not-italic [overflow-wrap:anywhere]">
                {a.lines.into_iter().map(|l| view! { <span class="block">{l}</span> }).collect_view()}
            </address>
            <form method="post" action="/portal/admin/returns/addresses" class="mt-2">
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="action" value="remove"/>
                <input type="hidden" name="ship_from" value=a.ship_from/>
                <button class="rounded border border-red-300 px-2 py-1 text-sm text-red-800">"Remove"</button>
            </form>
        </li>
    }
}

fn address_form(sites: Vec<String>, csrf: String) -> impl IntoView {
    let field = |label: &'static str, name: &'static str, required: bool| {
        view! { <label class="text-sm">{label}<input class=FIELD name=name required=required/></label> }
    };
    view! {
        <form method="post" action="/portal/admin/returns/addresses" class=format!("{CARD} space-y-3") data-testid="address-form">
            <h3 class="font-semibold">"Add or replace an address"</h3>
            <input type="hidden" name="csrf" value=csrf/>
            <label class="block text-sm">"Ship-from site (blank: every site without its own)"
                <input class=FIELD name="ship_from" list="ship-from-sites"/>
                <datalist id="ship-from-sites">
                    {sites.into_iter().map(|s| view! { <option value=s/> }).collect_view()}
                </datalist>
            </label>
            <div class="grid gap-3 sm:grid-cols-2">
                {field("Recipient", "name", true)}
                {field("Street", "line1", true)}
                {field("Street, second line", "line2", false)}
                {field("City", "city", true)}
                {field("State or region", "region", false)}
                {field("Postcode", "postcode", true)}
                {field("Country (2 letters)", "country", true)}
            </div>
            <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Save address"</button>
        </form>
    }
}

#[component]
pub fn ReturnPolicyPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| portal_return_policy());
    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Loading the return policy…"</p> }>
            {move || Suspend::new(async move {
                render(page.await, |p| {
                    let csrf = p.viewer.csrf.clone();
                    view! {
                        <PortalShell viewer=p.viewer.clone() title="Return policy".into()>
                            {policy_form(&p, csrf.clone())}
                            <section class="space-y-3" aria-labelledby="addresses-heading">
                                <h2 id="addresses-heading" class="text-lg font-semibold">"Return addresses"</h2>
                                <p class="text-sm text-slate-600">
                                    "Printed on the return label: the address of the site the order shipped from, else the one for every site."
                                </p>
                                {if p.addresses.is_empty() {
                                    view! {
                                        <p class="text-slate-600" data-testid="no-addresses">
                                            "None yet: labels show the company's name and ask the buyer to get the address from you."
                                        </p>
                                    }.into_any()
                                } else {
                                    view! {
                                        <ul class="grid gap-3 md:grid-cols-2">
                                            {p.addresses.clone().into_iter().map(|a| address_card(a, csrf.clone())).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                                {address_form(p.sites.clone(), csrf.clone())}
                            </section>
                        </PortalShell>
                    }.into_any()
                })
            })}
        </Suspense>
    }
}
