# E-Mails und SMS an Käufer, die Benachrichtigungen abonniert haben.

code-subject = Ihr Code für Nachrichten zur Bestellung { $number }
code-body = Ihr Code lautet { $code }. Geben Sie ihn auf der Seite zur Sendungsverfolgung ein, um Nachrichten zur Bestellung { $number } zu erhalten. Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht.
code-sms-text = { $brand }: Ihr Code für Nachrichten zur Bestellung { $number } lautet { $code }
notify-confirmed-subject = Wir haben Ihre Bestellung { $number } erhalten
notify-confirmed-text = Ihre Bestellung ist bestätigt und wird vorbereitet.
notify-shipped-subject = Ihre Bestellung { $number } ist unterwegs
notify-shipped-text = Ihre Bestellung hat unser Lager verlassen.
notify-out_for_delivery-subject = Ihre Bestellung { $number } kommt heute
notify-out_for_delivery-text = Ihre Bestellung ist in Zustellung.
notify-delivered-subject = Ihre Bestellung { $number } wurde zugestellt
notify-delivered-text = Ihre Bestellung wurde zugestellt.
notify-order_lookup-subject = Verfolgen Sie Ihre Bestellung { $number }
notify-order_lookup-text = Hier ist der angeforderte Link zur Verfolgung Ihrer Bestellung. Er gilt einen Tag.
notify-other-subject = Neuigkeiten zu Ihrer Bestellung { $number }: { $label }
notify-follow-live = Live verfolgen:
notify-follow-link = Bestellung live verfolgen
notify-questions = Fragen? Schreiben Sie an { $email }.
notify-no-more = Keine Nachrichten mehr zu dieser Bestellung:
notify-unsubscribe = Nachrichten zu dieser Bestellung abbestellen
notify-sms-unsubscribe = Abmelden: { $url }
