# رسائل البريد الإلكتروني والرسائل النصية للمشترين المشتركين في الإشعارات.

code-subject = رمزك لتلقي إشعارات الطلب { $number }
code-body = رمزك هو { $code }. أدخله في صفحة التتبع لتلقي إشعارات الطلب { $number }. إذا لم تطلب ذلك، فتجاهل هذه الرسالة.
code-sms-text = { $brand }: رمزك لتلقي إشعارات الطلب { $number } هو { $code }
notify-confirmed-subject = استلمنا طلبك { $number }
notify-confirmed-text = تم تأكيد طلبك وجارٍ تجهيزه.
notify-shipped-subject = طلبك { $number } في الطريق
notify-shipped-text = غادر طلبك مستودعنا.
notify-out_for_delivery-subject = طلبك { $number } يصل اليوم
notify-out_for_delivery-text = خرج طلبك للتوصيل.
notify-delivered-subject = تم توصيل طلبك { $number }
notify-delivered-text = تم توصيل طلبك.
notify-order_lookup-subject = تتبّع طلبك { $number }
notify-order_lookup-text = إليك الرابط الذي طلبته لمتابعة طلبك. يعمل ليوم واحد.
notify-other-subject = تحديث على طلبك { $number }: { $label }
notify-follow-live = تابِعه مباشرة:
notify-follow-link = تابِع طلبك مباشرة
notify-questions = لديك أسئلة؟ راسلنا على { $email }.
notify-no-more = لإيقاف إشعارات هذا الطلب:
notify-unsubscribe = إلغاء الاشتراك في إشعارات هذا الطلب
notify-sms-unsubscribe = للإيقاف: { $url }
