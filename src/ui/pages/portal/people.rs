//! Administrators invite people and set their roles.

use super::{render, PortalShell, STACK_BODY, STACK_CELL, STACK_HEAD, STACK_ROW, STACK_TABLE};
use crate::policy::Role;
use crate::present::portal_view::{PeoplePage as People, PortalPage};
use leptos::prelude::*;

#[server(prefix = "/portal/fn", endpoint = "people")]
pub async fn portal_people() -> Result<PortalPage<People>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(crate::portal::pages::people(&state, signed_in).await)
}

fn role_options(selected: Option<Role>) -> impl IntoView {
    Role::ALL
        .into_iter()
        .map(|r| view! { <option value=r.code() selected=Some(r) == selected>{r.label()}</option> })
        .collect_view()
}

fn account_options(accounts: &[(i64, String)], selected: Option<&str>) -> impl IntoView {
    let none = view! { <option value="">"(staff: no account)"</option> };
    let rest = accounts
        .iter()
        .map(|(id, name)| {
            let chosen = selected == Some(name.as_str());
            view! { <option value=id.to_string() selected=chosen>{name.clone()}</option> }
        })
        .collect_view();
    (none, rest)
}

#[component]
pub fn PeoplePage() -> impl IntoView {
    let page = Resource::new(|| (), |_| portal_people());
    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Loading people…"</p> }>
            {move || Suspend::new(async move {
                render(page.await, |p| {
                    let csrf = p.viewer.csrf.clone();
                    let accounts = p.accounts.clone();
                    let field = "mt-1 block rounded border border-slate-300 px-2 py-1";
                    view! {
                        <PortalShell viewer=p.viewer title="People".into()>
                            <form method="post" action="/portal/admin/users" class="flex flex-wrap items-end gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
                                <input type="hidden" name="csrf" value=csrf.clone()/>
                                <label class="text-sm">"Name"<input class=field name="name" required/></label>
                                <label class="text-sm">"Email"<input class=field type="email" name="email" required/></label>
                                <label class="text-sm">"Role"<select class=field name="role">{role_options(None)}</select></label>
                                <label class="text-sm">"Customer account"<select class=field name="account">{account_options(&accounts, None)}</select></label>
                                <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Invite"</button>
                            </form>
                            <div class="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
                            <table class=STACK_TABLE data-testid="people">
                                <thead class=format!("bg-slate-100 text-left text-slate-600 {STACK_HEAD}")><tr>
                                    <th class="px-3 py-2">"Name"</th><th class="px-3 py-2">"Email"</th><th class="px-3 py-2">"Status"</th>
                                    <th class="px-3 py-2">"Role and account"</th><th class="px-3 py-2"></th>
                                </tr></thead>
                                <tbody class=STACK_BODY>
                                    {p.people.into_iter().map(|person| {
                                        let action = format!("/portal/admin/users/{}", person.id);
                                        view! {
                                            <tr class=STACK_ROW>
                                                <td class=STACK_CELL data-label="Name">{person.name.clone()}</td>
                                                <td class=format!("{STACK_CELL} [overflow-wrap:anywhere]") data-label="Email">{person.email.clone()}</td>
                                                <td class=STACK_CELL data-label="Status">{person.status.clone()}</td>
                                                <td class=STACK_CELL data-label="Role and account">
                                                    <form method="post" action=action.clone() class="flex flex-wrap gap-2">
                                                        <input type="hidden" name="csrf" value=csrf.clone()/>
                                                        <select class="rounded border border-slate-300 px-1" name="role" aria-label="Role">{role_options(Some(person.role))}</select>
                                                        <select class="rounded border border-slate-300 px-1" name="account" aria-label="Account">{account_options(&accounts, person.account.as_deref())}</select>
                                                        <button class="rounded border border-slate-300 px-2">"Save"</button>
                                                    </form>
                                                </td>
                                                <td class=STACK_CELL data-label="">
                                                    {(person.status != "disabled").then(|| view! {
                                                        <form method="post" action=action.clone()>
                                                            <input type="hidden" name="csrf" value=csrf.clone()/>
                                                            <input type="hidden" name="action" value="disable"/>
                                                            <button class="rounded border border-red-300 px-2 text-red-800">"Disable"</button>
                                                        </form>
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        </PortalShell>
                    }.into_any()
                })
            })}
        </Suspense>
    }
}
