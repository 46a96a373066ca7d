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
notify-cs_delay-subject = Ihre Bestellung { $number } verspätet sich
notify-cs_delay-text = Es tut uns leid, dass Ihre Bestellung länger braucht als geplant. Unser Team kümmert sich darum und hält Sie auf dem Laufenden.
notify-cs_address-subject = Bitte prüfen Sie die Lieferadresse für Bestellung { $number }
notify-cs_address-text = Der Zusteller braucht Hilfe, um Ihre Lieferadresse zu finden. Bitte antworten Sie oder kontaktieren Sie uns, um sie zu bestätigen.
notify-cs_sorted-subject = Gute Nachrichten zu Ihrer Bestellung { $number }
notify-cs_sorted-text = Das Problem mit Ihrer Bestellung ist gelöst. Vielen Dank für Ihre Geduld.
notify-other-subject = Neuigkeiten zu Ihrer Bestellung { $number }: { $label }
notify-follow-live = Live verfolgen:
notify-follow-link = Bestellung live verfolgen
notify-questions = Fragen? Schreiben Sie an { $email }.
notify-no-more = Keine Nachrichten mehr zu dieser Bestellung:
notify-unsubscribe = Nachrichten zu dieser Bestellung abbestellen
notify-sms-unsubscribe = Abmelden: { $url }
