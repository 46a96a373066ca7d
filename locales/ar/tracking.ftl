# صفحة التتبع التي يفتحها المشتري من الرابط.

page-title = الطلب { $number } · { $brand }
order-number = الطلب { $number }
order-po = أمر الشراء { $po }
language-label = اللغة
language-change = تغيير

## العنوان الرئيسي
partly-delivered-more-to-follow = تم توصيل جزء من الطلب، ومنتجات أخرى في الطريق
shipments-delivered = { $shipments ->
    [one] تم توصيل { $delivered } من شحنة واحدة
    [two] تم توصيل { $delivered } من شحنتين
    [few] تم توصيل { $delivered } من { $shipments } شحنات
   *[other] تم توصيل { $delivered } من { $shipments } شحنة
}
more-items-to-follow = { $stage }، ومنتجات أخرى في الطريق
stage-with-shipments = { $stage } ({ $shipments ->
    [two] شحنتان
    [few] { $shipments } شحنات
   *[other] { $shipments } شحنة
})
on-shipment = { $shipment } · { $text }
received-by = استلمها { $name }
arriving-today = يصل اليوم
pickup-at = في { $place }
no-new-date-yet = ليس لدينا موعد توصيل جديد بعد؛ سيظهر هنا فور أن تعلنه شركة الشحن.
expected-by = الموعد المتوقع
promised-for = الموعد الموعود
late-on-vehicle = طلبك متأخر. كان موعده { $date }، وهو اليوم على متن مركبة التوصيل.
late-not-arrived = طلبك متأخر. كان موعده { $date } ولم يصل بعد. نحن نتابع الأمر وسنحدّث هذه الصفحة فور تحركه.
late-likely = طلبك متأخر. من المرجح أن يصل بعد { $date }، وهو الموعد الذي وعدنا به.

## نافذة الوصول المتوقعة
arriving-on = يصل { $day }
arriving-window = يصل بين { $range }، والأرجح { $likely }
forecast-history = { $deliveries ->
    [one] بناءً على توصيلة واحدة
    [two] بناءً على توصيلتين
    [few] بناءً على { $deliveries } توصيلات
    [many] بناءً على { $deliveries } توصيلة
   *[other] بناءً على { $deliveries } توصيلة
} على هذا المسار خلال آخر { $days } يومًا.
forecast-carrier = تقدير شركة الشحن نفسها؛ لا يوجد سجل توصيل لهذا المسار بعد.
forecast-promised = الموعد الموعود عند الشراء؛ لا يوجد سجل توصيل لهذا المسار بعد.
forecast-last-mile = حسب موقع مركبة التوصيل.

## شريط التقدم
progress-label = التقدم
progress-ordered = تم الطلب
progress-packed = تم التغليف
progress-shipped = تم الشحن
progress-out-for-delivery = خرج للتوصيل
progress-delivered = تم التوصيل
progress-partly-delivered = تم توصيل جزء منه

## المشكلات
problems-label = مشكلات في توصيل طلبك
condition-temperature = سُجّلت درجة حرارة { $value } °م، { $limit }، { $lasted }.
condition-humidity = سُجّلت رطوبة { $value }%، { $limit }، { $lasted }.
condition-shock = سُجّلت صدمة { $value } g، { $limit }، { $lasted }.
condition-battery = البطارية { $value }%، { $limit }، { $lasted }.
condition-door = ظل الباب مفتوحًا { $lasted }.
condition-above = فوق الحد البالغ { $limit }
condition-below = تحت الحد البالغ { $limit }
condition-outside = خارج الحدود المسموحة
condition-for = لمدة { $duration }
condition-for-so-far = منذ { $duration } حتى الآن
condition-back = عادت إلى النطاق. { $text }
duration-minutes = { $minutes } د
duration-hours = { $hours } س
duration-hours-minutes = { $hours } س { $minutes } د

## سجل التتبع
tracking-history = سجل التتبع
time-zone-note = الأوقات معروضة بتوقيت عنوان التوصيل ({ $zone }).
source-clock = { $time } بالتوقيت المحلي (UTC{ $offset })
show-all-updates = { $count ->
    [zero] لا توجد تحديثات
    [one] عرض تحديث واحد
    [two] عرض التحديثين
    [few] عرض التحديثات الـ { $count }
   *[other] عرض كل التحديثات ({ $count })
}
show-fewer-updates = عرض تحديثات أقل
new-update = تحديث جديد:

## الشحنات والمنتجات
shipment-one = الشحنة
timeline-return = الإرجاع
shipment-n-of = الشحنة { $index } من { $count }
shipments-heading = يُشحن طلبك في عدة طرود
shipment-waiting = تم التغليف، بانتظار شركة الشحن
tracking-number = رقم التتبع
items-heading = المنتجات
item-column = المنتج
ordered-column = المطلوب
shipped-column = المشحون
to-follow-column = المتبقي
will-not-ship = { $count ->
    [one] لن تُشحن قطعة واحدة (أُلغيت)
    [two] لن تُشحن قطعتان (أُلغيتا)
    [few] لن تُشحن { $count } قطع (أُلغيت)
   *[other] لن تُشحن { $count } قطعة (أُلغيت)
}

## الميل الأخير
on-its-way-heading = في الطريق إليك
arriving-between = يصل بين { $from } و{ $to }
location-updated = آخر تحديث للموقع { $time }
next-delivery = أنت التوصيلة التالية
deliveries-before = { $count ->
    [zero] لا توصيلات قبل توصيلتك
    [one] توصيلة واحدة قبل توصيلتك
    [two] توصيلتان قبل توصيلتك
    [few] { $count } توصيلات قبل توصيلتك
   *[other] { $count } توصيلة قبل توصيلتك
}
map-label = خريطة مركبة التوصيل وعنوانك
map-vehicle = مركبة التوصيل
map-address = عنوان التوصيل

## إثبات التوصيل
pod-heading = إثبات التوصيل
pod-received-by = استلمها
pod-signature-of = توقيع { $name }
pod-photo = صورة التوصيل { $number }

## العنوان والمساعدة
help-heading = هل تحتاج إلى مساعدة بشأن هذا التوصيل؟
change-delivery = رتّب توصيلًا جديدًا أو استلامًا مع { $carrier }
request-kind-label = ماذا تحتاج؟
request-instructions = تحديث تعليمات التوصيل
request-problem = الإبلاغ عن مشكلة
request-text-label = رسالتك
request-send = إرسال إلى خدمة العملاء
request-sent = شكرًا لك. وصلت رسالتك إلى خدمة العملاء وسيردّون عليك.
request-empty = يُرجى اختيار ما تحتاجه وكتابة رسالة (1000 حرف على الأكثر).
request-limited = أرسلت عدة رسائل اليوم؛ ستردّ عليك خدمة العملاء.
carrier-site = على موقع شركة الشحن
copy-tracking-number = نسخ
copied = تم النسخ
delivering-to = عنوان التوصيل
contact-service = تواصل مع خدمة عملاء { $brand }:

## الإشعارات بالبريد الإلكتروني أو الرسائل النصية
updates-heading = احصل على الإشعارات
updates-when-ships = عند شحن طلبك وخروجه للتوصيل ووصوله
updates-when-rest-ships = عند شحن بقية طلبك وخروجها للتوصيل ووصولها
updates-when-out = عند خروج طلبك للتوصيل ووصوله
updates-when-arrives = عند وصول طلبك
updates-intro = سنراسلك بالبريد الإلكتروني أو برسالة نصية { $when }، وفورًا إذا حدث خطأ.
updates-confirmed = تم: سنخبرك { $when }.
updates-address-label = البريد الإلكتروني أو رقم الجوال (مع +رمز الدولة)
updates-send-code = أرسل لي رمزًا
updates-code-sent = أرسلنا رمزًا إلى { $address }.
updates-code-label = الرمز
updates-confirm = تأكيد
updates-link-invalid = رابط التتبع هذا لم يعد صالحًا.
updates-enter-address = يُرجى إدخال بريد إلكتروني صالح أو رقم جوال مع +رمز الدولة.
updates-already = { $address } يتلقى الإشعارات بالفعل.
updates-too-many-codes = أرسلنا عدة رموز بالفعل؛ يُرجى المحاولة بعد ساعة.
updates-start-again = يُرجى البدء من جديد ببريدك الإلكتروني أو رقم هاتفك.
updates-wrong-code = هذا الرمز غير صحيح (أو انتهت صلاحيته). تحقق منه أو اطلب رمزًا جديدًا.
updates-unavailable = الإشعارات غير متاحة مؤقتًا.

## The proof-of-delivery PDF a buyer downloads
pod-pdf-title = إثبات التسليم
pod-pdf-order = الطلب
pod-pdf-customer-po = أمر شراء العميل
pod-pdf-shipment = الشحنة
pod-pdf-received-by = استلمها
pod-pdf-delivered-at = تاريخ التسليم
pod-pdf-place = المكان
pod-pdf-ship-to = عنوان الشحن
pod-pdf-reference = المرجع
pod-pdf-lines = البنود
pod-pdf-line = البند
pod-pdf-sku = رمز الصنف
pod-pdf-description = الوصف
pod-pdf-quantity = الكمية
pod-pdf-no-lines = لا توجد بنود مسجلة.
pod-pdf-note = ملاحظة
pod-pdf-stored-files = الملفات المحفوظة
pod-pdf-no-files = لا توجد ملفات محفوظة.
pod-pdf-receiving = ما رُصد عند الاستلام
pod-pdf-continued = (تابع)
pod-pdf-download = إثبات التسليم (PDF)

# Returns
returns-heading = المرتجعات
returns-up-to = حتى { $quantity }
returns-window = يمكنك إرجاع المنتجات حتى { $date }.
returns-start = إرجاع منتجات
returns-quantity = الكمية
returns-reason = السبب
returns-photo = صورة
returns-comment = هل هناك ما تود إخبارنا به؟ (اختياري)
returns-resolution = ماذا تفضّل؟
returns-submit = طلب الإرجاع
returns-photo-needed = يلزم إرفاق صورة لـ: { $reasons }.
returns-requested-at = طُلب { $when }
returns-label = اطبع ملصق الإرجاع (PDF)
returns-tracking = تتبع الإرجاع: { $carrier } { $number }
returns-credited = تم إصدار رصيد المتجر: { $amount } (المرجع { $reference })
returns-refunded = تم إصدار المبلغ المسترد: { $amount } (المرجع { $reference })
returns-sent = تم طلب الإرجاع { $rma }. تابعه هنا.
returns-declined-because = السبب: { $reason }
returns-refused-outside_window = انتهت مهلة إرجاع هذه المنتجات.
returns-refused-not_returnable = لا يمكن إرجاع هذه المنتجات.
returns-refused-more_than_returnable = طلبت إرجاع كمية أكبر مما يمكن إرجاعه.
returns-refused-photo_required = يرجى إرفاق صورة للمنتجات التالفة أو التي لا تعمل.
returns-refused-photo_unreadable = تعذّر استخدام هذه الصورة. يُرجى إرسال صورة JPEG أو PNG لا يتجاوز حجمها 8 ميغابايت.
returns-refused-nothing = اختر منتجًا واحدًا على الأقل وسببًا.
returns-refused-limited = طلبات إرجاع كثيرة اليوم. يرجى التواصل معنا بدلًا من ذلك.
return-reason-wrong_item = منتج خاطئ
return-reason-damaged = وصل تالفًا
return-reason-defective = لا يعمل
return-reason-not_as_described = مختلف عن الوصف
return-reason-no_longer_needed = لم أعد بحاجة إليه
return-reason-arrived_late = وصل متأخرًا جدًا
return-reason-other = سبب آخر
return-resolution-refund = استرداد المبلغ
return-resolution-exchange = استبدال
return-resolution-store_credit = رصيد في المتجر

# Return label
label-title = ملصق الإرجاع
label-from = من
label-to = إلى
label-rma = رقم الإرجاع
label-order = الطلب
label-cut-here = قص على طول الخط المتقطع
label-instructions = التعليمات
label-contents = في هذا الطرد
label-sku = رمز المنتج
label-description = الوصف
label-quantity = الكمية
label-reason = السبب
label-no-lines = لا توجد بنود.
label-continued = (تابع)
label-no-address = اطلب منا عنوان الإرجاع.
label-step-print = اطبع هذه الصفحة وقص الملصق على طول الخط المتقطع.
label-step-pack = غلّف المنتجات المذكورة أدناه جيدًا وألصق الملصق على الطرد من الخارج.
label-step-hand-over = سلّم الطرد لشركة الشحن. تتابع صفحة التتبع الإرجاع حتى يكتمل.
