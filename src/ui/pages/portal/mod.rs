//! The signed-in portal: one page per job (buyer, receiver, accounts
//! payable, customer service, administrator). Each page's data comes from
//! one server function that asks the policy first.

pub mod deliveries;
pub mod edi_partners;
pub mod inbound;
pub mod order;
pub mod orders;
pub mod people;
pub mod return_policy;
pub mod returns;
pub mod service;
pub mod sign_in;

use crate::present::portal_view::{PortalPage, Viewer};
use crate::ui::components::page_title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Renders a page's answer: the content, or why there is none.
pub fn render<T: 'static>(page: Result<PortalPage<T>, ServerFnError>, content: impl FnOnce(T) -> AnyView) -> AnyView {
    match page {
        Ok(PortalPage::Ready(data)) => content(data),
        Ok(PortalPage::SignIn) => message(
            "Please sign in",
            view! { <a class="underline" href="/login" rel="external">"Sign in to continue."</a> }.into_any(),
        ),
        Ok(PortalPage::Forbidden) => {
            message("Not available", view! { <span>"Your role does not include this page."</span> }.into_any())
        }
        Ok(PortalPage::NotFound) => {
            message("Not found", view! { <span>"There is nothing here, or nothing you can see."</span> }.into_any())
        }
        Err(_) => message(
            "Something went wrong",
            view! { <span>"We couldn't load this page just now. Please try again in a minute."</span> }.into_any(),
        ),
    }
}

fn message(title: &'static str, body: AnyView) -> AnyView {
    view! {
        <PageTitle text=title/>
        <main class="mx-auto max-w-xl px-4 py-16">
            <h1 class="text-2xl font-semibold">{title}</h1>
            <p class="mt-4 text-slate-700">{body}</p>
            <p class="mt-4"><a class="underline" href="/portal" rel="external">"Back to the portal"</a></p>
        </main>
    }
    .into_any()
}

/// Header, navigation, sign-out and the notice a form left, around a page.
#[component]
pub fn PortalShell(viewer: Viewer, title: String, children: Children) -> impl IntoView {
    let query = use_query_map();
    let notice = move || query.read().get("notice");
    let error = move || query.read().get("error");
    let nav = viewer.nav();
    view! {
        <PageTitle text=format!("{title} · {}", viewer.brand)/>
        <div style=viewer.brand_style.clone() class="contents">
        <header class="bg-[var(--brand)] text-[var(--brand-text)]" data-testid="portal-header">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
                {viewer.logo_url.clone().map(|src| view! {
                    <img src=src alt="" width="32" height="32" class="h-8 w-8 rounded bg-white/90 p-0.5"/>
                })}
                <span class="font-semibold">{viewer.brand.clone()}</span>
                <nav aria-label="Portal" class="flex flex-wrap gap-1 text-sm">
                    {nav.into_iter().map(|(label, href)| view! {
                        <a class="rounded px-2 py-1 underline-offset-4 hover:underline" href=href>{label}</a>
                    }).collect_view()}
                </nav>
                <span class="ml-auto text-sm opacity-90" data-testid="who">
                    {viewer.name.clone()} " · " {viewer.role.label()}
                </span>
                <form method="post" action="/logout">
                    <input type="hidden" name="csrf" value=viewer.csrf.clone()/>
                    <button class="rounded border border-current px-2 py-1 text-sm">"Sign out"</button>
                </form>
            </div>
        </header>
        </div>
        <main class="mx-auto max-w-6xl space-y-6 px-4 py-6" style=viewer.brand_style.clone()>
            {move || notice().map(|n| view! {
                <p role="status" data-testid="notice" class="rounded-lg border border-emerald-300 bg-emerald-50 px-3 py-2 text-emerald-900">{n}</p>
            })}
            {move || error().map(|e| view! {
                <p role="alert" data-testid="form-error" class="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-red-900">{e}</p>
            })}
            <h1 class="text-2xl font-semibold tracking-tight">{title.clone()}</h1>
            {children()}
        </main>
    }
}

// Tables on a desk; under 640 px every row becomes a card of labelled lines
// (each cell's `data-label`), so nothing scrolls sideways on a phone.
pub const STACK_TABLE: &str = "w-full text-sm max-sm:block";
pub const STACK_HEAD: &str = "max-sm:hidden";
pub const STACK_BODY: &str = "max-sm:block";
pub const STACK_ROW: &str = "border-t border-slate-100 max-sm:block max-sm:py-2";
pub const STACK_CELL: &str = "px-3 py-1 sm:py-2 max-sm:flex max-sm:gap-2 max-sm:before:w-28 max-sm:before:shrink-0 \
    max-sm:before:text-slate-500 max-sm:before:content-[attr(data-label)]";

/// A table of orders (lists, search results, queues).
#[component]
pub fn OrderTable(
    rows: Vec<crate::present::portal_view::OrderRow>,
    #[prop(optional)] empty: &'static str,
) -> impl IntoView {
    if rows.is_empty() {
        let text = if empty.is_empty() { "No orders." } else { empty };
        return view! { <p class="text-slate-600" data-testid="no-orders">{text}</p> }.into_any();
    }
    let cell = STACK_CELL;
    view! {
        <div class="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
            <table class=STACK_TABLE data-testid="order-table">
                <thead class=format!("bg-slate-100 text-left text-slate-600 {STACK_HEAD}")>
                    <tr>
                        <th class="px-3 py-2">"Order"</th><th class="px-3 py-2">"PO"</th><th class="px-3 py-2">"Status"</th>
                        <th class="px-3 py-2">"Promised"</th><th class="px-3 py-2">"Ship to"</th><th class="px-3 py-2">"Placed"</th>
                        <th class="px-3 py-2"></th>
                    </tr>
                </thead>
                <tbody class=STACK_BODY>
                    {rows.into_iter().map(|r| {
                        let href = format!("/portal/orders/{}", r.number);
                        view! {
                            <tr class=STACK_ROW data-testid="order-row">
                                <td class=format!("{cell} font-medium") data-label="Order"><a class="whitespace-nowrap text-sky-700 underline" href=href>{r.number.clone()}</a></td>
                                <td class=format!("{cell} [overflow-wrap:anywhere]") data-label="PO">{r.po.clone().unwrap_or_default()}</td>
                                <td class=cell data-label="Status">
                                    <span>
                                        {r.headline.clone()}
                                        {r.late.then(|| view! { <span class="ml-2 rounded bg-amber-100 px-1 text-amber-900">"late"</span> })}
                                        {r.exception.then(|| view! { <span class="ml-2 rounded bg-red-100 px-1 text-red-900">"exception"</span> })}
                                    </span>
                                </td>
                                <td class=cell data-label="Promised">{r.promised.clone().unwrap_or_default()}</td>
                                <td class=cell data-label="Ship to">{r.ship_to.clone()}</td>
                                <td class=cell data-label="Placed">{r.placed.clone()}</td>
                                <td class=format!("{cell} text-slate-600") data-label="">{r.reason.clone().unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
