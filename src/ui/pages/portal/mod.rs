//! The signed-in portal: one page per job (buyer, receiver, accounts
//! payable, customer service, administrator). Each page's data comes from
//! one server function that asks the policy first.

pub mod deliveries;
pub mod edi_partners;
pub mod inbound;
pub mod order;
pub mod orders;
pub mod people;
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
        <header class="bg-slate-900 text-white">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-4 py-3">
                <span class="font-semibold">{viewer.brand.clone()}</span>
                <nav aria-label="Portal" class="flex flex-wrap gap-3 text-sm">
                    {nav.into_iter().map(|(label, href)| view! {
                        <a class="rounded px-2 py-1 hover:bg-slate-700" href=href>{label}</a>
                    }).collect_view()}
                </nav>
                <span class="ml-auto text-sm text-slate-300" data-testid="who">
                    {viewer.name.clone()} " · " {viewer.role.label()}
                </span>
                <form method="post" action="/logout">
                    <input type="hidden" name="csrf" value=viewer.csrf.clone()/>
                    <button class="rounded bg-slate-700 px-2 py-1 text-sm hover:bg-slate-600">"Sign out"</button>
                </form>
            </div>
        </header>
        <main class="mx-auto max-w-6xl space-y-6 px-4 py-6">
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
    view! {
        <div class="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
            <table class="min-w-full text-sm" data-testid="order-table">
                <thead class="bg-slate-100 text-left text-slate-600">
                    <tr>
                        <th class="px-3 py-2">"Order"</th><th class="px-3 py-2">"PO"</th><th class="px-3 py-2">"Status"</th>
                        <th class="px-3 py-2">"Promised"</th><th class="px-3 py-2">"Ship to"</th><th class="px-3 py-2">"Placed"</th>
                        <th class="px-3 py-2"></th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let href = format!("/portal/orders/{}", r.number);
                        view! {
                            <tr class="border-t border-slate-100" data-testid="order-row">
                                <td class="px-3 py-2 font-medium"><a class="text-sky-700 underline" href=href>{r.number.clone()}</a></td>
                                <td class="px-3 py-2">{r.po.clone().unwrap_or_default()}</td>
                                <td class="px-3 py-2">
                                    {r.headline.clone()}
                                    {r.late.then(|| view! { <span class="ml-2 rounded bg-amber-100 px-1 text-amber-900">"late"</span> })}
                                    {r.exception.then(|| view! { <span class="ml-2 rounded bg-red-100 px-1 text-red-900">"exception"</span> })}
                                </td>
                                <td class="px-3 py-2">{r.promised.clone().unwrap_or_default()}</td>
                                <td class="px-3 py-2">{r.ship_to.clone()}</td>
                                <td class="px-3 py-2">{r.placed.clone()}</td>
                                <td class="px-3 py-2 text-slate-600">{r.reason.clone().unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
