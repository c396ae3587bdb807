"""Verified phone and e-mail (docs/accounts.md). Accounts that VNeID created or verified keep their
phone and e-mail as verified (a `contacts_trusted` event says so); every other account's channels
start unverified and are verified by a one-time code."""
from django.db import migrations, models
from django.utils import timezone


def trust_vneid_contacts(apps, schema_editor):
    CitizenAccount = apps.get_model("accounts", "CitizenAccount")
    AccountEvent = apps.get_model("accounts", "AccountEvent")
    now = timezone.now()
    for account in CitizenAccount.objects.filter(identity_source="oidc").exclude(oidc_subject=""):
        changed = []
        if account.phone:
            account.phone_verified_at = now
            changed.append("phone")
        if account.email:
            account.email_verified_at = now
            changed.append("email")
        if changed:
            account.save(update_fields=["phone_verified_at", "email_verified_at"])
            AccountEvent.objects.create(account=account, action="contacts_trusted", changed_fields=changed)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_identity_verification'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='passwordreset',
            options={'ordering': ['-created_at', '-id'], 'verbose_name': 'one-time code request', 'verbose_name_plural': 'one-time code requests'},
        ),
        migrations.AddField(
            model_name='citizenaccount',
            name='email_verified_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='e-mail verified at'),
        ),
        migrations.AddField(
            model_name='citizenaccount',
            name='phone_verified_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='phone verified at'),
        ),
        migrations.AddField(
            model_name='passwordreset',
            name='purpose',
            field=models.CharField(choices=[('password_reset', 'Forgotten password'), ('phone', 'Verify the phone'), ('email', 'Verify the e-mail')], default='password_reset', max_length=20),
        ),
        migrations.AlterField(
            model_name='accountevent',
            name='action',
            field=models.CharField(choices=[('signed_up', 'Signed up'), ('profile_updated', 'Profile updated'), ('register_matched', 'Matched with the population register'), ('oidc_created', 'Created through VNeID'), ('oidc_linked', 'Linked to VNeID'), ('oidc_signed_in', 'Signed in through VNeID'), ('password_reset', 'Password reset with a one-time code'), ('counter_verified', 'Identity verified at the counter'), ('citizen_id_detached', 'Citizen ID removed: verified by its holder'), ('phone_verified', 'Phone verified with a one-time code'), ('email_verified', 'E-mail verified with a one-time code'), ('contacts_trusted', 'Phone and e-mail counted as verified (VNeID or demo data)')], max_length=20),
        ),
        migrations.RunPython(trust_vneid_contacts, migrations.RunPython.noop),
    ]
