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
notify-cs_delay-subject = طلبك { $number } متأخر
notify-cs_delay-text = نأسف لأن طلبك يستغرق وقتًا أطول من المخطط. فريقنا يتابع الأمر وسيبقيك على اطلاع.
notify-cs_address-subject = يرجى التحقق من عنوان التوصيل للطلب { $number }
notify-cs_address-text = تحتاج شركة الشحن إلى مساعدة في العثور على عنوان التوصيل. يرجى الرد أو التواصل معنا لتأكيده.
notify-cs_sorted-subject = أخبار سارة عن طلبك { $number }
notify-cs_sorted-text = تم حل المشكلة في طلبك. شكرًا لصبرك.
notify-other-subject = تحديث على طلبك { $number }: { $label }
notify-follow-live = تابِعه مباشرة:
notify-follow-link = تابِع طلبك مباشرة
notify-questions = لديك أسئلة؟ راسلنا على { $email }.
notify-no-more = لإيقاف إشعارات هذا الطلب:
notify-unsubscribe = إلغاء الاشتراك في إشعارات هذا الطلب
notify-sms-unsubscribe = للإيقاف: { $url }
