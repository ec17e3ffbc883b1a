### DRAFT – Arabic (Modern Standard Arabic). This translation is a draft. A qualified translator
### must review it before a jobcenter (tenant) offers Arabic to applicants.
### مسودة – العربية. يجب أن يراجع مترجم مؤهل هذه الترجمة قبل استخدامها.
###
### Plain language, polite plural form (أنتم), which is also neutral as to gender. Official German
### terms stay in brackets, so readers recognise them in letters. Arabic is written right to left:
### the service keeps Fluent's isolation marks around every value (dates, URLs, numbers) for it.
### Staff messages (objection-filed, sick-note-*, decision-overdue) are only here so that
### rendering never fails: staff read German.
### Allowed variables per message: services/notification/src/templates/catalog.rs.

-benefit = Bürgergeld (إعانة المواطن)

## تأكيد الاستلام

submission-received-subject = { $kind ->
        [main-application] استلمنا طلبكم للحصول على Bürgergeld
        [continuation] استلمنا طلبكم لمواصلة صرف الإعانة
        [one-off-benefit] استلمنا طلبكم للحصول على إعانة لمرة واحدة
        [education-participation] استلمنا طلبكم للحصول على إعانة التعليم والمشاركة
        [sick-note] استلمنا شهادتكم المرضية
        [absence-notice] استلمنا طلبكم للتغيب عن مكان الإقامة
        [change-notice] استلمنا إشعاركم بالتغييرات
       *[other] استلمنا مستنداتكم
    }
submission-received-body =
    { $kind ->
        [main-application] استلمنا طلبكم للحصول على { -benefit }.
        [continuation] استلمنا طلبكم لمواصلة صرف الإعانة (Weiterbewilligungsantrag). بهذا الطلب تستمرون في الحصول على { -benefit }.
        [one-off-benefit] استلمنا طلبكم للحصول على إعانة لمرة واحدة (einmalige Leistung).
        [education-participation] استلمنا طلبكم للحصول على إعانة التعليم والمشاركة (Bildung und Teilhabe).
        [sick-note] استلمنا شهادتكم المرضية (Arbeitsunfähigkeitsbescheinigung).
        [absence-notice] استلمنا طلبكم للتغيب عن مكان الإقامة (Ortsabwesenheit).
        [change-notice] استلمنا إشعاركم بالتغييرات (Veränderungsmitteilung).
       *[other] استلمنا مستنداتكم.
    }
    وقت الوصول إلينا: { $received_at }
    يُعتبر هذا الوقت وقت الوصول إلى مركز العمل (Jobcenter).

    { $kind ->
        [absence-notice]
            مهم: يُرجى عدم السفر قبل أن نوافق.
            سنكتب إليكم فور اتخاذ القرار.
       *[other]
            لا يلزمكم فعل أي شيء الآن.
            سنراجع بياناتكم. وإذا احتجنا إلى شيء آخر، سنكتب إليكم.
    }

## المستندات

documents-requested-subject = يُرجى إرسال المستندات إلينا حتى { $due }
documents-requested-body =
    ما زلنا بحاجة إلى المستندات التالية منكم:

    { $documents }

    يُرجى إرسال هذه المستندات إلينا حتى { $due }.
    يمكنكم رفعها عبر الإنترنت أو إرسالها بالبريد أو إحضارها إلينا.

    بدون هذه المستندات لا يمكننا إنهاء معالجة طلبكم.
    هل لديكم سؤال أو لا تستطيعون الالتزام بالموعد؟ يُرجى التواصل معنا قبل { $due }.

documents-due-soon-subject = تذكير: آخر موعد لمستنداتكم هو { $due }
documents-due-soon-body =
    ما زلنا ننتظر مستندات منكم.
    ينتهي الموعد في: { $due }.

    يُرجى إرسال المستندات إلينا حتى ذلك اليوم.
    المستندات التي نحتاجها مذكورة في رسالتنا التي طلبناها فيها.
    هل أرسلتم المستندات بالفعل؟ إذن لا يلزمكم فعل أي شيء آخر.

## القرار

decision-issued-subject = لديكم قرار جديد
decision-issued-body =
    لقد اتخذنا قرارًا. تجدون خطاب القرار (Bescheid) مرفقًا بهذه الرسالة.
    خطاب القرار مكتوب باللغة الألمانية.

    يُرجى قراءة خطاب القرار بعناية.
    لا توافقون على القرار؟ يمكنكم تقديم اعتراض (Widerspruch).
    كيفية ذلك والموعد النهائي مذكوران في نهاية خطاب القرار تحت عنوان «Rechtsbehelfsbelehrung».

## الاعتراض

objection-received-subject = استلمنا اعتراضكم
objection-received-body =
    استلمنا اعتراضكم المؤرخ في { $filed_on }.
    سنراجع القرار الآن مرة أخرى.
    بعد ذلك ستحصلون منا على رد مكتوب.

    لا يلزمكم فعل أي شيء الآن.
    هل لديكم مستندات أخرى تخص اعتراضكم؟ يُرجى إرسالها إلينا.

# للموظفين
objection-filed-subject = { $late ->
        [yes] اعتراض جديد – ربما بعد انتهاء المهلة
       *[no] اعتراض جديد
    }
objection-filed-body =
    وصل اعتراض في إحدى قضاياكم. تاريخ تقديمه: { $filed_on }.
    { $late ->
        [yes] تنبيه: ربما وصل الاعتراض بعد انتهاء مهلة الاعتراض. يُرجى التحقق من قبوله شكلًا.
       *[no] وصل الاعتراض ضمن المهلة.
    }
    يُرجى التحقق مما إذا كان يمكن الاستجابة له (Abhilfe).

## الشهادات المرضية (للموظفين)

sick-note-recorded-subject = تم تسجيل شهادة مرضية
sick-note-recorded-body =
    وصلت شهادة مرضية في إحدى قضاياكم.
    تم تسجيل العجز عن العمل من { $from } حتى { $until }.
    الشهادة موجودة في الملف الإلكتروني (E-Akte).
    يُرجى مراعاة هذه الفترة، مثلًا عند تحديد المواعيد.

sick-note-needs-review-subject = يُرجى مراجعة شهادة مرضية
sick-note-needs-review-body =
    وصلت شهادة مرضية في إحدى قضاياكم.
    لم يكن من الممكن تسجيلها تلقائيًا.
    يُرجى مراجعة الشهادة في الملف الإلكتروني وتسجيل الفترة.

## مهل القرارات (للموظفين)

decision-overdue-subject = { $limit ->
        [objection] مهلة: لم يُبتّ في الاعتراض بعد
       *[decision] مهلة: لم يُبتّ في الطلب بعد
    }
decision-overdue-body =
    { $limit ->
        [objection] لم يُبتّ بعد في اعتراض في إحدى قضاياكم.
       *[decision] لم يُبتّ بعد في طلب في إحدى قضاياكم.
    }
    قريبًا يصبح من الممكن رفع دعوى بسبب التقاعس (§ 88 SGG).
    يُرجى اتخاذ القرار قريبًا أو تسجيل سبب التأخير في الملف.

## المواعيد

appointment-booked-subject = موعدكم: { $start }
appointment-booked-body =
    تم حجز موعدكم.

    متى: { $start }
    { $channel ->
        [phone] كيف: عبر الهاتف. سنتصل بكم.
        [video] كيف: عبر مكالمة فيديو. { PRESENT($video_link) ->
            [yes] الرابط: { $video_link }
           *[no] سنرسل إليكم الرابط قبل الموعد.
        }
       *[in-person] أين: { PRESENT($office) ->
            [yes] { $office }
           *[no] { $jobcenter }
        }
    }
    رقم موعدكم: { $reference }

    يُرجى الالتزام بالوقت.
    لا تستطيعون الحضور؟ يُرجى إلغاء الموعد أو تغييره مسبقًا.

appointment-invited-subject = دعوة إلى موعد: { $start }
appointment-invited-body =
    ندعوكم إلى موعد. يُرجى الحضور إلى هذا الموعد.

    متى: { $start }
    { $channel ->
        [phone] كيف: عبر الهاتف. سنتصل بكم.
        [video] كيف: عبر مكالمة فيديو. { PRESENT($video_link) ->
            [yes] الرابط: { $video_link }
           *[no] سنرسل إليكم الرابط قبل الموعد.
        }
       *[in-person] أين: { PRESENT($office) ->
            [yes] { $office }
           *[no] { $jobcenter }
        }
    }
    رقم موعدكم: { $reference }

    مهم: هذا موعد إلزامي (Meldetermin).
    إذا لم تحضروا دون سبب وجيه، يمكننا تخفيض مبلغ { -benefit } الذي تحصلون عليه. ينص على ذلك § 32 SGB II.
    المرض مثال على السبب الوجيه. في هذه الحالة نحتاج إلى شهادة من الطبيب.
    لا تستطيعون الحضور؟ يُرجى التواصل معنا قبل الموعد وذكر السبب.

appointment-reminder-subject = تذكير بموعدكم: { $start }
appointment-reminder-body =
    نذكّركم بموعدكم.

    متى: { $start }
    { $channel ->
        [phone] كيف: عبر الهاتف. سنتصل بكم.
        [video] كيف: عبر مكالمة فيديو. { PRESENT($video_link) ->
            [yes] الرابط: { $video_link }
           *[no] سنرسل إليكم الرابط قبل الموعد.
        }
       *[in-person] أين: { PRESENT($office) ->
            [yes] { $office }
           *[no] { $jobcenter }
        }
    }
    رقم موعدكم: { $reference }

    لا تستطيعون الحضور؟ يُرجى إلغاء الموعد مسبقًا.

appointment-rescheduled-subject = وقت جديد لموعدكم: { $start }
appointment-rescheduled-body =
    تغيّر وقت موعدكم.

    الوقت الجديد: { $start }
    رقم موعدكم: { $reference }

    الوقت السابق لم يعد ساريًا.
    الوقت الجديد لا يناسبكم؟ يُرجى التواصل معنا.

appointment-cancelled-subject = تم إلغاء موعدكم: { $start }
appointment-cancelled-body =
    تم إلغاء موعدكم.
    الوقت: { $start }
    رقم الموعد: { $reference }

    لا يلزمكم الحضور إلى هذا الموعد.
    إذا احتجنا إلى موعد جديد، سنتواصل معكم.

## رد الموظف

reply-subject = رد على رسالتكم
reply-body = { $text }

## التنبيهات عبر البريد الإلكتروني والإشعارات
## يُسمح فقط بـ { $portal_url }: بدون اسم أو قضية أو موضوع أو مهلة.

hint-subject = لديكم رسالة جديدة
hint-body =
    مرحبًا،

    لديكم رسالة جديدة في صندوق بريدكم لدى مركز العمل (Jobcenter).
    يُرجى تسجيل الدخول لقراءتها:
    { $portal_url }

    حمايةً لبياناتكم، لا يظهر محتوى الرسالة في هذا البريد الإلكتروني.
    أرسلنا هذا البريد الإلكتروني تلقائيًا. يُرجى عدم الرد عليه.

push-title = رسالة جديدة
push-body = لديكم رسالة جديدة في صندوق بريدكم.

## الرسالة البريدية

letter-salutation = مرحبًا،
letter-closing =
    مع أطيب التحيات
    { $jobcenter }
