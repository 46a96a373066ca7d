//! Demo sign-ins: a person for every role in each demo brand, with a
//! password that is new at every start.

use super::brands::brands;
use crate::store::{self, Pool};

/// A person the demo can sign in as; the password is new at every start.
pub struct DemoSignIn {
    pub tenant: String,
    pub role: crate::policy::Role,
    pub email: String,
    pub password: String,
}

/// Makes sure every role has a person in each demo brand (account roles in
/// the brand's first customer account) and gives each a fresh password.
pub async fn sign_ins(pool: &Pool) -> store::Result<Vec<DemoSignIn>> {
    use crate::policy::Role;
    let mut sign_ins = Vec::new();
    for tenant in store::list_tenants(pool).await? {
        let Some(brand) = brands().into_iter().find(|b| b.tenant.slug == tenant.slug) else { continue };
        let (account_name, account_ref) = brand.accounts[0];
        let account = store::account_by_ref(pool, tenant.id, account_ref).await?;
        for role in Role::ALL {
            let (email, name, account) = if role.is_staff() {
                (
                    format!("{}@{}.example", role.code(), tenant.slug),
                    format!("{} ({})", role.label(), brand.tenant.brand_name),
                    None,
                )
            } else {
                let domain = account_ref.to_lowercase();
                (format!("{}@{domain}.example", role.code()), format!("{} at {account_name}", role.label()), account)
            };
            let password = crate::token::random(12);
            let hash = crate::auth::password::hash(&password);
            match store::user_for_sign_in(pool, tenant.id, &email).await? {
                Some((person, _)) => store::set_password(pool, person.id, &hash).await?,
                None => {
                    let new = store::NewUser {
                        tenant: tenant.id,
                        account,
                        email: &email,
                        name: &name,
                        role,
                        password_hash: Some(&hash),
                    };
                    store::create_user(pool, &new).await?;
                }
            }
            sign_ins.push(DemoSignIn { tenant: tenant.slug.clone(), role, email, password });
        }
    }
    Ok(sign_ins)
}
