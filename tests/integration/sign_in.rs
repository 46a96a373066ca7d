//! Signing in and out through the real server: passwords (argon2id),
//! rate limits per account and per address, session cookies that are
//! HttpOnly and revocable, CSRF on every form, one-time links by email
//! (through a real SMTP server) and invitations.

use crate::common;

use common::*;
use milepost::policy::Role;

async fn with_buyer() -> (TestApp, String) {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let account = milepost::store::create_account(&app.pool, tenant, "Buyer Co", "BC-1").await.unwrap();
    let password = person(&app.pool, tenant, Some(account), Role::Buyer, "Bea@Buyer.example").await;
    (app, password)
}

fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

#[tokio::test]
async fn a_password_signs_in_to_the_roles_home_with_a_safe_cookie_and_sign_out_ends_the_session() {
    let (app, password) = with_buyer().await;
    // Email in any case.
    let response =
        app.form(None, "/login", &[("tenant", "acme"), ("email", "bea@BUYER.example"), ("password", &password)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/portal/orders");
    let cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let session = session_from(&response).unwrap();
    assert_eq!(app.page(Some(&session), "/portal/orders").await.status(), 200);
    assert_eq!(location(&app.page(Some(&session), "/portal").await), "/portal/orders");

    // Sign-out needs the session's CSRF token.
    let forged = app.form(Some(&session), "/logout", &[("csrf", "0000")]).await;
    assert_eq!(forged.status(), 403);
    let out = app.form(Some(&session), "/logout", &[]).await;
    assert_eq!(location(&out), "/login?notice=signed-out");
    assert!(out.headers().get("set-cookie").unwrap().to_str().unwrap().contains("Max-Age=0"));
    // The old cookie is dead on the server, not just in the browser.
    let after = app.page(Some(&session), "/portal/orders").await;
    assert_eq!(after.status(), 302);
    assert!(location(&after).starts_with("/login?next=%2Fportal%2Forders"));
}

#[tokio::test]
async fn wrong_passwords_and_unknown_people_get_the_same_answer_and_lock_the_account() {
    let (app, password) = with_buyer().await;
    let wrong =
        app.form(None, "/login", &[("tenant", "acme"), ("email", "bea@buyer.example"), ("password", "nope")]).await;
    let unknown =
        app.form(None, "/login", &[("tenant", "acme"), ("email", "nobody@x.example"), ("password", "nope")]).await;
    let no_tenant =
        app.form(None, "/login", &[("tenant", "zzz"), ("email", "bea@buyer.example"), ("password", "nope")]).await;
    // The same answer, with what was typed kept (never the password).
    assert_eq!(location(&wrong), "/login?tenant=acme&email=bea%40buyer.example&error=invalid");
    assert_eq!(location(&unknown), "/login?tenant=acme&email=nobody%40x.example&error=invalid");
    assert_eq!(location(&no_tenant), "/login?tenant=zzz&email=bea%40buyer.example&error=invalid");
    let page = app.page(None, &location(&wrong)).await.text().await.unwrap();
    assert!(page.contains("value=\"bea@buyer.example\""), "the email stays typed");
    assert!(wrong.headers().get("set-cookie").is_none());
    for _ in 0..4 {
        app.form(None, "/login", &[("tenant", "acme"), ("email", "bea@buyer.example"), ("password", "nope")]).await;
    }
    // Five failures: now even the right password is not checked.
    let locked =
        app.form(None, "/login", &[("tenant", "acme"), ("email", "bea@buyer.example"), ("password", &password)]).await;
    assert_eq!(location(&locked), "/login?tenant=acme&email=bea%40buyer.example&error=locked");
    assert!(session_from(&locked).is_none());
}

#[tokio::test]
async fn one_address_guessing_many_accounts_is_stopped() {
    let (app, password) = with_buyer().await;
    for i in 0..20 {
        let email = format!("guess{i}@x.example");
        app.form(None, "/login", &[("tenant", "acme"), ("email", &email), ("password", "nope")]).await;
    }
    let blocked =
        app.form(None, "/login", &[("tenant", "acme"), ("email", "bea@buyer.example"), ("password", &password)]).await;
    assert_eq!(location(&blocked), "/login?tenant=acme&email=bea%40buyer.example&error=locked");
}

#[tokio::test]
async fn forms_from_other_sites_and_without_the_csrf_token_are_refused() {
    let (app, password) = with_buyer().await;
    let cross_site = app
        .client
        .post(format!("{}/login", app.base_url))
        .header("origin", "https://evil.example")
        .form(&[("tenant", "acme"), ("email", "bea@buyer.example"), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let no_origin = app
        .client
        .post(format!("{}/login", app.base_url))
        .form(&[("tenant", "acme"), ("email", "bea@buyer.example"), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(no_origin.status(), 403);
    let fetch_metadata = app
        .client
        .post(format!("{}/login", app.base_url))
        .header("sec-fetch-site", "cross-site")
        .header("origin", &app.base_url)
        .form(&[("tenant", "acme"), ("email", "bea@buyer.example"), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_metadata.status(), 403);
}

#[tokio::test]
async fn a_one_time_link_by_email_signs_in_once() {
    let sink = SmtpSink::start(0);
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let app = spawn_app_with(&[("MILEPOST_SMTP_URL", &smtp)]).await;
    let tenant = tenant(&app.pool, "acme").await;
    person(&app.pool, tenant, None, Role::Cs, "cs@acme.example").await;

    let asked = app.form(None, "/login/link", &[("tenant", "acme"), ("email", "CS@acme.example")]).await;
    assert_eq!(location(&asked), "/login?tenant=acme&notice=link-sent");
    // Nobody by that address: the same answer, and no mail.
    let nobody = app.form(None, "/login/link", &[("tenant", "acme"), ("email", "who@acme.example")]).await;
    assert_eq!(location(&nobody), "/login?tenant=acme&notice=link-sent");

    let mut mail = Vec::new();
    for _ in 0..100 {
        mail = sink.messages();
        if !mail.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(mail.len(), 1, "one message, to the person who exists");
    assert!(mail[0].contains("To: cs@acme.example"));
    // Quoted-printable, as a mail client reads it: soft line breaks joined.
    let body = mail[0].replace("=\r\n", "").replace("=\n", "");
    let url = body.lines().find(|l| l.contains("/login/link/")).expect("the link").trim().to_string();
    let path = url.strip_prefix(&app.base_url).unwrap().to_string();

    // Opening the link (a mail scanner might) does not use it.
    let page = app.page(None, &path).await;
    assert_eq!(page.status(), 200);
    let text = page.text().await.unwrap();
    assert!(text.contains("Sign in as cs@acme.example"), "{text}");
    let used = app.form(None, &path, &[]).await;
    assert_eq!(location(&used), "/portal/cs");
    let session = session_from(&used).expect("signed in");
    assert_eq!(app.page(Some(&session), "/portal/cs").await.status(), 200);
    let again = app.form(None, &path, &[]).await;
    assert_eq!(location(&again), "/login?error=link");
    assert!(app.page(None, &path).await.text().await.unwrap().contains("This link no longer works"));
}

#[tokio::test]
async fn an_admin_invites_a_receiver_who_chooses_a_password_and_a_role_change_ends_their_sessions() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let account = milepost::store::create_account(&app.pool, tenant, "Buyer Co", "BC-1").await.unwrap();
    let admin_password = person(&app.pool, tenant, None, Role::Admin, "admin@acme.example").await;
    let admin = app.sign_in("acme", "admin@acme.example", &admin_password).await;

    // A receiver needs an account; staff must have none.
    let refused = app
        .form(
            Some(&admin),
            "/portal/admin/users",
            &[("name", "Rita"), ("email", "rita@bc.example"), ("role", "receiver"), ("account", "")],
        )
        .await;
    assert!(location(&refused).contains("error="));
    let account_id = account.0.to_string();
    let invited = app
        .form(
            Some(&admin),
            "/portal/admin/users",
            &[("name", "Rita"), ("email", "rita@bc.example"), ("role", "receiver"), ("account", &account_id)],
        )
        .await;
    assert_eq!(invited.status(), 200);
    let body = invited.text().await.unwrap();
    let link = body.split("data-testid=\"invite-link\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    let path = link.strip_prefix(&app.base_url).unwrap().to_string();

    let short = app.form(None, &path, &[("password", "short")]).await;
    assert!(location(&short).contains("error=Use%20at%20least%2012"));
    let accepted = app.form(None, &path, &[("password", "a long enough password")]).await;
    assert_eq!(location(&accepted), "/portal/inbound");
    let rita = session_from(&accepted).unwrap();
    assert_eq!(app.page(Some(&rita), "/portal/inbound").await.status(), 200);
    let again = app.sign_in("acme", "rita@bc.example", "a long enough password").await;

    // The admin makes Rita a buyer: her sessions end.
    let users = milepost::store::list_users(&app.pool, tenant).await.unwrap();
    let rita_id = users.iter().find(|u| u.email == "rita@bc.example").unwrap().id.0;
    let changed = app
        .form(Some(&admin), &format!("/portal/admin/users/{rita_id}"), &[("role", "buyer"), ("account", &account_id)])
        .await;
    assert!(location(&changed).contains("notice="));
    assert_eq!(app.page(Some(&again), "/portal/orders").await.status(), 302);
    let as_buyer = app.sign_in("acme", "rita@bc.example", "a long enough password").await;
    assert_eq!(app.page(Some(&as_buyer), "/portal/inbound").await.status(), 403);
    assert_eq!(app.page(Some(&as_buyer), "/portal/orders").await.status(), 200);

    // Disabled: cannot sign in any more.
    app.form(Some(&admin), &format!("/portal/admin/users/{rita_id}"), &[("action", "disable")]).await;
    let disabled = app
        .form(
            None,
            "/login",
            &[("tenant", "acme"), ("email", "rita@bc.example"), ("password", "a long enough password")],
        )
        .await;
    assert!(location(&disabled).ends_with("error=invalid"));
    // The admin's page lists everyone, and the audit log has the changes.
    let people = app.page(Some(&admin), "/portal/admin/users").await.text().await.unwrap();
    assert!(people.contains("rita@bc.example") && people.contains("disabled"));
}

/// A password sign-in from a client behind `forwarded_for` (as our load
/// balancer would say it).
async fn sign_in_via(app: &TestApp, forwarded_for: &str, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/login", app.base_url))
        .header("origin", &app.base_url)
        .header("x-forwarded-for", forwarded_for)
        .form(&[("tenant", "acme"), ("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

async fn failure_rows(app: &TestApp, bucket_prefix: &str) -> i64 {
    let like = format!("{bucket_prefix}%");
    milepost::on_pool!(&app.pool, |c| sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE bucket LIKE $1")
        .bind(&like)
        .fetch_one(c)
        .await)
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_simultaneous_wrong_passwords_check_at_most_five_and_lock_the_account() {
    let app =
        spawn_app_with(&[("MILEPOST_RATE_LIMIT_SIGN_IN", "off"), ("MILEPOST_PASSWORD_CHECK_WAIT_MS", "60000")]).await;
    let tenant = tenant(&app.pool, "acme").await;
    let password = person(&app.pool, tenant, None, Role::Cs, "cs@acme.example").await;
    let attempts = (0..40).map(|i| {
        let (client, base) = (app.client.clone(), app.base_url.clone());
        tokio::spawn(async move {
            let wrong = format!("wrong guess {i}");
            let response = client
                .post(format!("{base}/login"))
                .header("origin", &base)
                .form(&[("tenant", "acme"), ("email", "cs@acme.example"), ("password", wrong.as_str())])
                .send()
                .await
                .unwrap();
            location(&response)
        })
    });
    let outcomes: Vec<String> =
        futures_util::future::join_all(attempts).await.into_iter().map(|o| o.unwrap()).collect();
    let checked = outcomes.iter().filter(|l| l.ends_with("error=invalid")).count();
    let locked = outcomes.iter().filter(|l| l.ends_with("error=locked")).count();
    assert!(checked <= 5, "{checked} of 40 simultaneous wrong passwords were checked: {outcomes:?}");
    assert_eq!(checked + locked, 40, "{outcomes:?}");
    assert_eq!(failure_rows(&app, "account:").await, checked as i64);

    // Locked: the right password is not even checked...
    let refused =
        app.form(None, "/login", &[("tenant", "acme"), ("email", "cs@acme.example"), ("password", &password)]).await;
    assert_eq!(location(&refused), "/login?tenant=acme&email=cs%40acme.example&error=locked");
    // ...until the window has passed.
    let long_ago = chrono::Utc::now() - milepost::portal::sign_in::WINDOW - chrono::Duration::minutes(1);
    milepost::on_pool!(&app.pool, |c| sqlx::query("UPDATE login_failures SET at = $1")
        .bind(long_ago)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .unwrap();
    app.sign_in("acme", "cs@acme.example", &password).await;
}

#[tokio::test]
async fn with_every_password_checker_busy_sign_ins_are_answered_429_and_not_counted() {
    let app = spawn_app_with(&[("MILEPOST_PASSWORD_CHECKS", "2"), ("MILEPOST_PASSWORD_CHECK_WAIT_MS", "50")]).await;
    let tenant = tenant(&app.pool, "acme").await;
    let password = person(&app.pool, tenant, None, Role::Cs, "cs@acme.example").await;
    // Other sign-ins hold both checkers.
    let busy = app.state.password_checks.clone().acquire_many_owned(2).await.unwrap();
    for _ in 0..6 {
        let response = app
            .form(None, "/login", &[("tenant", "acme"), ("email", "cs@acme.example"), ("password", &password)])
            .await;
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["retry-after"], "2");
        assert!(response.text().await.unwrap().contains("try again in a moment"));
    }
    assert_eq!(failure_rows(&app, "").await, 0, "attempts never checked count against nobody");
    drop(busy);
    app.sign_in("acme", "cs@acme.example", &password).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_the_others() {
    let app = spawn_app_with(&[("MILEPOST_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let tenant = tenant(&app.pool, "acme").await;
    let password = person(&app.pool, tenant, None, Role::Cs, "cs@acme.example").await;
    for i in 0..20 {
        // The guesser claims to be someone else; the balancer appends who it really is.
        let guess = sign_in_via(&app, "198.51.100.9, 203.0.113.7", &format!("guess{i}@x.example"), "nope").await;
        assert_eq!(location(&guess), format!("/login?tenant=acme&email=guess{i}%40x.example&error=invalid"));
    }
    let guesser = sign_in_via(&app, "203.0.113.7", "cs@acme.example", &password).await;
    assert_eq!(location(&guesser), "/login?tenant=acme&email=cs%40acme.example&error=locked");
    let someone_else = sign_in_via(&app, "198.51.100.9", "cs@acme.example", &password).await;
    assert_eq!(location(&someone_else), "/portal/cs");
}

#[tokio::test]
async fn without_trusted_proxies_x_forwarded_for_does_not_escape_the_address_limit() {
    let (app, password) = with_buyer().await;
    for i in 0..20 {
        sign_in_via(&app, &format!("203.0.113.{i}"), &format!("guess{i}@x.example"), "nope").await;
    }
    let blocked = sign_in_via(&app, "198.51.100.1", "bea@buyer.example", &password).await;
    assert_eq!(location(&blocked), "/login?tenant=acme&email=bea%40buyer.example&error=locked");
}

#[tokio::test]
async fn sign_in_endpoints_are_rate_limited_per_address_with_a_page_and_retry_after() {
    let app = spawn_app_with(&[
        ("MILEPOST_TRUSTED_PROXIES", "127.0.0.1"),
        ("MILEPOST_RATE_LIMIT_SIGN_IN", "2"),
        ("MILEPOST_RATE_LIMIT_SIGN_IN_LINK", "1"),
        ("MILEPOST_RATE_LIMIT_SIGN_IN_CODE", "1"),
    ])
    .await;
    let tenant = tenant(&app.pool, "acme").await;
    let password = person(&app.pool, tenant, None, Role::Cs, "cs@acme.example").await;
    for _ in 0..2 {
        sign_in_via(&app, "203.0.113.7", "cs@acme.example", "nope").await;
    }
    let limited = sign_in_via(&app, "203.0.113.7", "cs@acme.example", &password).await;
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    assert!(limited.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = limited.text().await.unwrap();
    assert!(page.contains("too many sign-in attempts") && page.contains("href=\"/login\""), "{page}");
    // Someone else is not held up.
    let other = sign_in_via(&app, "198.51.100.9", "cs@acme.example", &password).await;
    assert_eq!(location(&other), "/portal/cs");

    // Asking for sign-in links, and trying one-time link codes.
    let ask = || app.form(None, "/login/link", &[("tenant", "acme"), ("email", "cs@acme.example")]);
    assert_eq!(ask().await.status(), 303);
    let asked_again = ask().await;
    assert_eq!(asked_again.status(), 429);
    assert!(asked_again.headers().contains_key("retry-after"));
    assert_eq!(app.page(None, "/login/link/not-a-real-code").await.status(), 200);
    let guessing = app.form(None, "/login/link/another-guess", &[]).await;
    assert_eq!(guessing.status(), 429);
    assert!(guessing.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn without_a_company_code_every_company_of_the_address_sends_its_own_link() {
    let sink = SmtpSink::start(0);
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let app = spawn_app_with(&[("MILEPOST_SMTP_URL", &smtp)]).await;
    let acme = tenant(&app.pool, "acme").await;
    let globex = tenant(&app.pool, "globex").await;
    person(&app.pool, acme, None, Role::Cs, "sam@shared.example").await;
    person(&app.pool, globex, None, Role::Admin, "sam@shared.example").await;
    person(&app.pool, globex, None, Role::Cs, "other@globex.example").await;

    let asked = app.form(None, "/login/link", &[("tenant", ""), ("email", "Sam@Shared.example")]).await;
    assert_eq!(location(&asked), "/login?tenant=&notice=link-sent");
    // The page says what happened and explains the company code.
    let page = app.page(None, &location(&asked)).await.text().await.unwrap();
    assert!(page.contains("one per company"), "{page}");
    assert!(page.contains("The short name of the company"), "{page}");
    // The field may also be left out altogether.
    let nobody = app.form(None, "/login/link", &[("email", "nobody@shared.example")]).await;
    assert_eq!(location(&nobody), "/login?tenant=&notice=link-sent");

    for _ in 0..100 {
        if sink.messages().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // A moment more: a third message would be a link to the unknown address.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mail = sink.messages();
    assert_eq!(mail.len(), 2, "one link per company, none for an unknown address");
    assert!(mail.iter().all(|m| m.contains("To: sam@shared.example")));
    assert!(mail.iter().any(|m| m.contains("acme brand")) && mail.iter().any(|m| m.contains("globex brand")));
    // Each link signs in to its own company.
    let mut homes = Vec::new();
    for m in &mail {
        let body = m.replace("=\r\n", "").replace("=\n", "");
        let url = body.lines().find(|l| l.contains("/login/link/")).expect("the link").trim().to_string();
        let used = app.form(None, url.strip_prefix(&app.base_url).unwrap(), &[]).await;
        homes.push(location(&used));
    }
    homes.sort();
    assert_eq!(homes, ["/portal/admin/users", "/portal/cs"]);
}
