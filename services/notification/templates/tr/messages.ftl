### DRAFT – Turkish. This translation is a draft. A qualified translator must review it before
### a jobcenter (tenant) offers Turkish to applicants.
### TASLAK – Türkçe. Kullanılmadan önce çeviri yeminli/uzman bir tercüman tarafından kontrol edilmelidir.
###
### Plain language, polite form ("siz"). Official German terms stay in brackets, so readers
### recognise them in letters. Staff messages (objection-filed, sick-note-*, decision-overdue) are
### only here so that rendering never fails: staff read German.
### Allowed variables per message: services/notification/src/templates/catalog.rs.

-benefit = Bürgergeld (vatandaşlık parası)

## Alındı bildirimi

submission-received-subject = { $kind ->
        [main-application] Bürgergeld başvurunuzu aldık
        [continuation] Ödemelerin devamı için başvurunuzu aldık
        [one-off-benefit] Tek seferlik yardım başvurunuzu aldık
        [education-participation] Eğitim ve katılım yardımı başvurunuzu aldık
        [sick-note] Hastalık raporunuzu aldık
        [absence-notice] İkamet yerinizden ayrılma talebinizi aldık
        [change-notice] Değişiklik bildiriminizi aldık
       *[other] Belgelerinizi aldık
    }
submission-received-body =
    { $kind ->
        [main-application] { -benefit } başvurunuzu aldık.
        [continuation] Ödemelerin devamı için başvurunuzu (Weiterbewilligungsantrag) aldık. Bu başvuru ile { -benefit } almaya devam edersiniz.
        [one-off-benefit] Tek seferlik yardım (einmalige Leistung) başvurunuzu aldık.
        [education-participation] Eğitim ve katılım yardımı (Bildung und Teilhabe) başvurunuzu aldık.
        [sick-note] Hastalık raporunuzu (Arbeitsunfähigkeitsbescheinigung) aldık.
        [absence-notice] İkamet yerinizden ayrılma talebinizi (Ortsabwesenheit) aldık.
        [change-notice] Değişiklik bildiriminizi (Veränderungsmitteilung) aldık.
       *[other] Belgelerinizi aldık.
    }
    Bize ulaşma zamanı: { $received_at }
    Jobcenter'e ulaşma zamanı olarak bu an geçerlidir.

    { $kind ->
        [absence-notice]
            Önemli: Lütfen biz onay vermeden yola çıkmayın.
            Karar verdiğimizde size yazacağız.
       *[other]
            Şu anda bir şey yapmanız gerekmiyor.
            Bilgilerinizi kontrol edeceğiz. Başka bir şeye ihtiyacımız olursa size yazacağız.
    }

## Belgeler

documents-requested-subject = Lütfen belgeleri en geç { $due } tarihine kadar gönderin
documents-requested-body =
    Sizden hâlâ şu belgelere ihtiyacımız var:

    { $documents }

    Lütfen bu belgeleri en geç { $due } tarihine kadar bize gönderin.
    Belgeleri internetten yükleyebilir, posta ile gönderebilir veya bize getirebilirsiniz.

    Bu belgeler olmadan başvurunuzu sonuçlandıramayız.
    Bir sorunuz mu var veya süreye yetişemiyor musunuz? O zaman lütfen { $due } tarihinden önce bizimle iletişime geçin.

documents-due-soon-subject = Hatırlatma: belgeleriniz için son tarih { $due }
documents-due-soon-body =
    Hâlâ sizden belge bekliyoruz.
    Son tarih: { $due }.

    Lütfen belgeleri bu tarihe kadar bize gönderin.
    Hangi belgelere ihtiyacımız olduğu, belgeleri istediğimiz mesajda yazıyor.
    Belgeleri zaten gönderdiniz mi? O zaman başka bir şey yapmanız gerekmiyor.

## Karar

decision-issued-subject = Yeni bir kararınız var
decision-issued-body =
    Karar verdik. Karar yazısı (Bescheid) bu mesajın ekindedir.
    Karar yazısı Almancadır.

    Lütfen karar yazısını dikkatlice okuyun.
    Karara katılmıyor musunuz? O zaman itiraz (Widerspruch) edebilirsiniz.
    Bunun nasıl ve hangi tarihe kadar yapılacağı, karar yazısının sonunda „Rechtsbehelfsbelehrung“ bölümünde yazıyor.

## İtiraz

objection-received-subject = İtirazınızı aldık
objection-received-body =
    { $filed_on } tarihli itirazınızı aldık.
    Kararı şimdi yeniden inceleyeceğiz.
    Ardından size yazılı bir cevap göndereceğiz.

    Şu anda bir şey yapmanız gerekmiyor.
    İtirazınızla ilgili başka belgeleriniz var mı? O zaman lütfen bunları bize gönderin.

# Çalışanlar için
objection-filed-subject = { $late ->
        [yes] Yeni itiraz – süresi geçmiş olabilir
       *[no] Yeni itiraz
    }
objection-filed-body =
    Dosyalarınızdan birine itiraz geldi. İtiraz tarihi: { $filed_on }.
    { $late ->
        [yes] Dikkat: İtiraz, itiraz süresi dolduktan sonra gelmiş olabilir. Lütfen kabul edilebilirliğini kontrol edin.
       *[no] İtiraz süresi içinde geldi.
    }
    Lütfen itirazı kabul edip edemeyeceğinizi (Abhilfe) kontrol edin.

## Hastalık raporları (çalışanlar için)

sick-note-recorded-subject = Hastalık raporu kaydedildi
sick-note-recorded-body =
    Dosyalarınızdan birine bir hastalık raporu geldi.
    Çalışamazlık süresi kaydedildi: { $from } – { $until }.
    Rapor e-dosyada (E-Akte) bulunuyor.
    Lütfen bu süreyi, örneğin randevularda, dikkate alın.

sick-note-needs-review-subject = Lütfen hastalık raporunu kontrol edin
sick-note-needs-review-body =
    Dosyalarınızdan birine bir hastalık raporu geldi.
    Rapor otomatik olarak kaydedilemedi.
    Lütfen raporu e-dosyada kontrol edin ve süreyi kaydedin.

## Karar süreleri (çalışanlar için)

decision-overdue-subject = { $limit ->
        [objection] Süre: itiraz henüz karara bağlanmadı
       *[decision] Süre: başvuru henüz karara bağlanmadı
    }
decision-overdue-body =
    { $limit ->
        [objection] Dosyalarınızdan birindeki bir itiraz henüz karara bağlanmadı.
       *[decision] Dosyalarınızdan birindeki bir başvuru henüz karara bağlanmadı.
    }
    Yakında hareketsizlik davası açılabilir (§ 88 SGG).
    Lütfen kısa sürede karar verin veya gecikmenin nedenini dosyaya kaydedin.

## Randevular

appointment-booked-subject = Randevunuz: { $start }
appointment-booked-body =
    Randevunuz alındı.

    Ne zaman: { $start }
    { $channel ->
        [phone] Nasıl: telefonla. Sizi arayacağız.
        [video] Nasıl: görüntülü görüşme ile. { PRESENT($video_link) ->
            [yes] Bağlantı: { $video_link }
           *[no] Bağlantıyı randevudan önce size göndereceğiz.
        }
       *[in-person] Nerede: { PRESENT($office) ->
            [yes] { $office }
           *[no] { $jobcenter }
        }
    }
    Randevu numaranız: { $reference }

    Lütfen zamanında hazır olun.
    Gelemiyor musunuz? O zaman lütfen randevuyu önceden iptal edin veya erteleyin.

appointment-invited-subject = Randevu daveti: { $start }
appointment-invited-body =
    Sizi bir randevuya davet ediyoruz. Lütfen bu randevuya gelin.

    Ne zaman: { $start }
    { $channel ->
        [phone] Nasıl: telefonla. Sizi arayacağız.
        [video] Nasıl: görüntülü görüşme ile. { PRESENT($video_link) ->
            [yes] Bağlantı: { $video_link }
           *[no] Bağlantıyı randevudan önce size göndereceğiz.
        }
       *[in-person] Nerede: { PRESENT($office) ->
            [yes] { $office }
           *[no] { $jobcenter }
        }
    }
    Randevu numaranız: { $reference }

    Önemli: Bu, zorunlu bir görüşmedir (Meldetermin).
    Geçerli bir neden olmadan gelmezseniz, { -benefit } ödemenizi azaltabiliriz. Bu kural § 32 SGB II'de yer alır.
    Örneğin hastalık geçerli bir nedendir. Bu durumda doktordan bir rapor gerekir.
    Gelemiyor musunuz? O zaman lütfen randevudan önce bize haber verin ve nedenini söyleyin.

appointment-reminder-subject = Hatırlatma – randevunuz: { $start }
appointment-reminder-body =
    Randevunuzu hatırlatıyoruz.

    Ne zaman: { $start }
    { $channel ->
        [phone] Nasıl: telefonla. Sizi arayacağız.
        [video] Nasıl: görüntülü görüşme ile. { PRESENT($video_link) ->
            [yes] Bağlantı: { $video_link }
           *[no] Bağlantıyı randevudan önce size göndereceğiz.
        }
       *[in-person] Nerede: { PRESENT($office) ->
            [yes] { $office }
           *[no] { $jobcenter }
        }
    }
    Randevu numaranız: { $reference }

    Gelemiyor musunuz? O zaman lütfen randevuyu önceden iptal edin.

appointment-rescheduled-subject = Randevunuzun yeni zamanı: { $start }
appointment-rescheduled-body =
    Randevunuzun zamanı değişti.

    Yeni zaman: { $start }
    Randevu numaranız: { $reference }

    Eski zaman artık geçerli değil.
    Yeni zaman size uymuyor mu? O zaman lütfen bizimle iletişime geçin.

appointment-cancelled-subject = Randevunuz iptal edildi: { $start }
appointment-cancelled-body =
    Randevunuz iptal edildi.
    Zaman: { $start }
    Randevu numarası: { $reference }

    Bu randevuya gelmenize gerek yok.
    Yeni bir randevu gerekirse sizinle iletişime geçeceğiz.

## Çalışanın cevabı

reply-subject = Mesajınıza cevap
reply-body = { $text }

## E-posta ve push bildirimleri
## Sadece { $portal_url } kullanılabilir: isim, dosya, konu veya süre yok.

hint-subject = Yeni bir mesajınız var
hint-body =
    Merhaba,

    Jobcenter'inizin posta kutusunda yeni bir mesajınız var.
    Mesajı okumak için lütfen giriş yapın:
    { $portal_url }

    Verilerinizi korumak için mesajın içeriği bu e-postada yer almıyor.
    Bu e-postayı otomatik olarak gönderdik. Lütfen bu e-postayı yanıtlamayın.

push-title = Yeni mesaj
push-body = Posta kutunuzda yeni bir mesaj var.

## Mektup

letter-salutation = Merhaba,
letter-closing =
    Saygılarımızla
    { $jobcenter }
