"""Demo data: logins of every role, units with employees, flexible workers, a year of
contributions and applications in every state, all made through the real services.

`medpause demo` calls demo_load(). It runs in one transaction and is idempotent: once the demo
units exist, a second run changes nothing and only prints the logins again. Every date is
relative to today (Asia/Shanghai), so the data stays current whenever it is loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO

from django.db import transaction
from stdnum.cn import ric, uscc

from medpause.accounts.models import Role, User
from medpause.accounts.otp import totp_set_known
from medpause.accounts.services import user_create
from medpause.cases.models import Application
from medpause.cases.selectors import application_policy, required_groups_of
from medpause.cases.services import (
    application_approve,
    application_confirm_revocation,
    application_create,
    application_reject,
    application_request_supplement,
    application_revoke,
    application_submit,
    application_take,
    application_withdraw,
    document_add,
)
from medpause.cases.services.employment import employment_start
from medpause.common.dates import add_months, month_start, today
from medpause.common.errors import DomainError
from medpause.coverage.services import contribution_record
from medpause.policy.models import PolicyVersion, Region
from medpause.registry.models import Person, Unit
from medpause.registry.services import person_register, unit_register
from medpause.transfers.services import transfer_request, transfer_send

DEMO_PASSWORD = "medpause-demo"
# The one-time-code secret of the demo officers and administrator (an authenticator app takes it
# typed in); never a real account's.
DEMO_TOTP_SECRET = "MEDPAUSEDEMOTOTPKEYFORTRYINGIT23"
CONTRIBUTION_MONTHS = 12


@dataclass(frozen=True)
class Login:
    username: str
    role: Role
    sees: str


LOGINS: list[Login] = [
    Login("admin", Role.ADMIN, "everything: all regions, users, the audit trail (Django admin at /admin/)"),
    Login("officer.beijing", Role.OFFICER, "Beijing (110000) review queue: submitted, in review, more documents asked"),
    Login("officer.shanghai", Role.OFFICER, "Shanghai (310000): li.na's approved pause, a counter application to review, "
          "wang.fang's transfer from Wuhan to take in"),
    Login("officer.wuhan", Role.OFFICER, "Wuhan (420100): a stop and resume with a 3-month waiting period, one to review"),
    Login("officer.chengdu", Role.OFFICER, "Chengdu (510100): a unit's resignation stop decided on the spot, one to review"),
    Login("unit.beijing", Role.UNIT_AGENT,
          "北京华信科技有限公司: 11 employees (马超 taken on after leaving another unit), applications in every state"),
    Login("unit.chengdu", Role.UNIT_AGENT,
          "成都天府餐饮管理有限公司: 3 employees, an on-the-spot stop, one pending (郭静 left: now a flexible worker)"),
    Login("zhang.wei", Role.INDIVIDUAL,
          "张伟, Beijing employee: card active, no open application (his unit files his stops; the wizard says so)"),
    Login("li.na", Role.INDIVIDUAL, "李娜, Shanghai flexible worker: card suspended by an approved pause (can resume)"),
    Login("wang.fang", Role.INDIVIDUAL, "王芳, Wuhan flexible worker: card active, no application; her transfer to "
          "Shanghai in a week is sent by Wuhan, waiting for Shanghai"),
    Login("hospital", Role.INSTITUTION, "北京华康医院: settlements accepted and refused (suspended, terminated card)"),
]

BEIJING_UNIT = "北京华信科技有限公司"
BEIJING_FORMER_UNIT = "北京远航物流有限公司"  # 马超's employer before 北京华信
CHENGDU_UNIT = "成都天府餐饮管理有限公司"
HOSPITAL = "北京华康医院"


# --- identifiers with real check characters ---------------------------------------------


def demo_id_number(county: str, born: dt.date, seq: int) -> str:
    """A resident ID number (GB 11643) born in a real county (GB/T 2260); an odd sequence
    number is a man's, an even one a woman's."""
    body = f"{county}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def demo_uscc(region_code: str, org_body: str) -> str:
    """A unified social credit code (GB 32100) of an enterprise ("91") registered in the
    region, embedding an organisation code (GB 11714) with its own check character."""
    digits = [int(c) for c in org_body]
    check = 11 - sum(w * d for w, d in zip(_ORG_WEIGHTS, digits, strict=True)) % 11
    org = org_body + {10: "X", 11: "0"}.get(check, str(check))
    body = f"91{region_code}{org}"
    return body + uscc.calc_check_digit(body)


BEIJING_USCC = demo_uscc("110105", "10203040")
CHENGDU_USCC = demo_uscc("510104", "20304050")
BEIJING_FORMER_USCC = demo_uscc("110105", "30405060")


# --- generated documents --------------------------------------------------------------


def demo_png(label: str = "") -> bytes:
    """A small scan-like PNG: a pale page with a few dark lines."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 160), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 231, 151), outline=(60, 60, 60), width=2)
    for i, y in enumerate(range(30, 140, 18)):
        draw.line((20, y, 220 - (i * 17 + len(label)) % 90, y), fill=(40, 40, 40), width=3)
    draw.ellipse((170, 100, 220, 150), outline=(200, 30, 30), width=3)  # a seal
    buf = BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def demo_pdf(title: str, person: str) -> bytes:
    """A one-page PDF naming the document and the person, in Chinese (in the embedded font of
    the printed documents, so that any reader shows it)."""
    from reportlab.pdfgen import canvas

    from medpause.printing.layout import CJK_FONT

    buf = BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(CJK_FONT, 16)
    c.drawString(72, 760, f"{title}（演示材料）")
    c.setFont(CJK_FONT, 12)
    c.drawString(72, 730, f"姓名：{person}")
    c.drawString(72, 710, "本文件由 medpause 演示数据生成，不是真实证件。")
    c.save()
    return buf.getvalue()


# --- the people -----------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    county: str
    born: dt.date
    seq: int
    region: str
    category: str
    unit: str | None  # "beijing" / "chengdu"
    base: str

    @property
    def id_number(self) -> str:
        return demo_id_number(self.county, self.born, self.seq)


def _p(key, name, county, born, seq, region, category, unit, base):
    return DemoPerson(key, name, county, dt.date(*born), seq, region, category, unit, base)


PEOPLE: list[DemoPerson] = [
    # Beijing unit, Chaoyang district (110105)
    _p("zhang.wei", "张伟", "110105", (1988, 5, 12), 31, "110000", "employee", "beijing", "12000.00"),
    _p("liu.yang", "刘洋", "110105", (1990, 8, 23), 53, "110000", "employee", "beijing", "9500.00"),
    _p("wang.jing", "王静", "110105", (1992, 2, 17), 26, "110000", "employee", "beijing", "8800.00"),
    _p("zhao.lei", "赵磊", "110105", (1987, 11, 3), 75, "110000", "employee", "beijing", "15000.00"),
    _p("zhou.jie", "周杰", "110105", (1985, 6, 30), 19, "110000", "employee", "beijing", "11000.00"),
    _p("wu.min", "吴敏", "110105", (1994, 9, 9), 42, "110000", "employee", "beijing", "7600.00"),
    _p("zheng.qiang", "郑强", "110105", (1983, 4, 21), 97, "110000", "employee", "beijing", "40000.00"),
    _p("huang.ting", "黄婷", "110105", (1996, 12, 1), 64, "110000", "employee", "beijing", "5000.00"),
    _p("sun.jianhua", "孙建华", "110105", (1966, 3, 8), 13, "110000", "employee", "beijing", "13500.00"),
    _p("he.zhiming", "何志明", "110105", (1979, 10, 15), 57, "110000", "employee", "beijing", "10200.00"),
    # resigned from another Beijing unit, then taken on by 北京华信 (增员; ADR 0017)
    _p("ma.chao", "马超", "110105", (1986, 7, 14), 27, "110000", "employee", "beijing_former", "10800.00"),
    _p("ma.li", "马丽", "110105", (1991, 5, 6), 35, "110000", "employee", "beijing", "9100.00"),
    _p("qian.wei", "钱伟", "110105", (1986, 7, 14), 91, "110000", "employee", "beijing", "10800.00"),
    # Chengdu unit, Jinjiang district (510104)
    _p("yang.fan", "杨帆", "510104", (1995, 7, 19), 33, "510100", "employee", "chengdu", "6500.00"),
    _p("lin.xiaoyan", "林晓燕", "510104", (1998, 1, 27), 48, "510100", "employee", "chengdu", "6000.00"),
    _p("luo.zhigang", "罗志刚", "510104", (2004, 9, 2), 71, "510100", "employee", "chengdu", "5200.00"),
    # resigned, then pays alone as a flexible worker
    _p("guo.jing", "郭静", "510104", (1993, 5, 28), 36, "510100", "employee", "chengdu", "6200.00"),
    # Shanghai flexible workers, Xuhui district (310104)
    _p("li.na", "李娜", "310104", (1989, 4, 16), 82, "310000", "flexible", None, "9000.00"),
    _p("xu.fang", "徐芳", "310104", (1991, 10, 5), 24, "310000", "flexible", None, "7200.00"),
    # Wuhan flexible workers, Jiang'an district (420102)
    _p("wang.fang", "王芳", "420102", (1993, 3, 22), 66, "420100", "flexible", None, "6000.00"),
    _p("chen.gang", "陈刚", "420102", (1984, 12, 11), 15, "420100", "flexible", None, "7000.00"),
    _p("liu.ting", "刘婷", "420102", (1997, 6, 8), 88, "420100", "flexible", None, "5500.00"),
]

LEGAL_REPS = {
    "beijing": ("陈建国", demo_id_number("110105", dt.date(1968, 2, 14), 11)),
    "chengdu": ("李明辉", demo_id_number("510112", dt.date(1985, 8, 30), 35)),  # 锦江区 dates from 1990
    "beijing_former": ("高振华", demo_id_number("110105", dt.date(1970, 5, 6), 21)),
}


@dataclass
class DemoResult:
    created: bool
    users: dict[str, User] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)


# --- the building steps -----------------------------------------------------------------


class _Builder:
    def __init__(self):
        self.day = today()
        self.users: dict[str, User] = {}
        self.units: dict[str, Unit] = {}
        self.persons: dict[str, Person] = {}
        self.applications: dict[str, Application] = {}
        self._doc_count = 0

    # users
    def user(self, username: str, role: Role, **binding) -> User:
        existing = User.objects.filter(username=username).first()
        if existing is not None:  # made by hand before the demo: left as it is
            self.users[username] = existing
            return existing
        user = user_create(username=username, password=DEMO_PASSWORD, role=role, actor=self.users.get("admin"), **binding)
        self.users[username] = user
        return user

    def staff(self):
        totp_set_known(self.user("admin", Role.ADMIN), DEMO_TOTP_SECRET)
        for username, code in [
            ("officer.beijing", "110000"), ("officer.shanghai", "310000"),
            ("officer.wuhan", "420100"), ("officer.chengdu", "510100"),
        ]:
            totp_set_known(self.user(username, Role.OFFICER, region=Region.objects.get(code=code)), DEMO_TOTP_SECRET)

    def officer_of(self, region_code: str) -> User:
        return {
            "110000": self.users["officer.beijing"], "310000": self.users["officer.shanghai"],
            "420100": self.users["officer.wuhan"], "510100": self.users["officer.chengdu"],
        }[region_code]

    # registry
    def registry(self):
        for key, name, code, region_code in [
            ("beijing", BEIJING_UNIT, BEIJING_USCC, "110000"),
            ("chengdu", CHENGDU_UNIT, CHENGDU_USCC, "510100"),
            ("beijing_former", BEIJING_FORMER_UNIT, BEIJING_FORMER_USCC, "110000"),
        ]:
            rep_name, rep_id = LEGAL_REPS[key]
            self.units[key] = unit_register(
                name=name, uscc=code, region=Region.objects.get(code=region_code),
                legal_representative_name=rep_name, legal_representative_id_number=rep_id,
                actor=self.officer_of(region_code),
            )
        issued = add_months(self.day, -36)
        for p in PEOPLE:
            self.persons[p.key] = person_register(
                name=p.name, id_number=p.id_number, region=Region.objects.get(code=p.region),
                category=p.category, unit=self.units[p.unit] if p.unit else None, contribution_base=p.base,
                actor=self.officer_of(p.region), issued_on=issued,
            )
        first = add_months(month_start(self.day), -CONTRIBUTION_MONTHS)
        for person in self.persons.values():
            for i in range(CONTRIBUTION_MONTHS):
                try:
                    contribution_record(person=person, month=add_months(first, i), actor=self.officer_of(person.region.code))
                except DomainError:  # e.g. a month before any policy was in force
                    continue

    def logins(self):
        self.user("unit.beijing", Role.UNIT_AGENT, unit=self.units["beijing"])
        self.user("unit.chengdu", Role.UNIT_AGENT, unit=self.units["chengdu"])
        for key in ("zhang.wei", "li.na", "wang.fang"):
            self.user(key, Role.INDIVIDUAL, person=self.persons[key])
        self.user("hospital", Role.INSTITUTION, institution_name=HOSPITAL)

    # applications
    def documents(self, actor, app: Application, groups: list[str] | None = None):
        """Upload one document for each required group (or the groups named), PNG and PDF in turn."""
        policy = application_policy(app)
        for code in groups if groups is not None else required_groups_of(app):
            kind = policy.groups[code].any_of[0]
            self._doc_count += 1
            title = policy.kinds[kind].name_zh
            if self._doc_count % 2:
                data, filename = demo_pdf(title, app.person.name), f"{kind}.pdf"
            else:
                data, filename = demo_png(kind), f"{kind}.png"
            document_add(actor=actor, application=app, kind=kind, data=data, filename=filename)

    def stop(self, key: str, actor, reason: str, start: dt.date, end: dt.date | None = None, note: str = "",
             submit: bool = True, groups: list[str] | None = None) -> Application:
        app = application_create(
            actor=actor, kind="stop", person=self.persons[key], reason=reason, start_date=start, end_date=end, note=note,
        )
        self.documents(actor, app, groups)
        if submit:
            app = application_submit(actor=actor, application=app, consequences_acknowledged=True)
        self.applications[f"{key}:stop"] = app
        return app

    def resume(self, key: str, actor, start: dt.date, note: str = "") -> Application:
        person = self.persons[key]
        suspension = person.suspensions.get(end_date__isnull=True)
        app = application_create(
            actor=actor, kind="resume", person=person, suspension_id=suspension.pk, start_date=start, note=note,
        )
        self.documents(actor, app)
        app = application_submit(actor=actor, application=app)
        self.applications[f"{key}:resume"] = app
        return app

    def cases(self):
        d = self.day
        unit_bj, unit_cd = self.users["unit.beijing"], self.users["unit.chengdu"]
        off_bj, off_sh = self.users["officer.beijing"], self.users["officer.shanghai"]
        off_wh = self.users["officer.wuhan"]
        # counter applications are filed by the bureau's administrator: four eyes, the
        # region's officer (another person) decides them
        counter = self.users["admin"]

        # Beijing: the unit files; one application in each state.
        self.stop("liu.yang", unit_bj, "resignation", d, note="劳动合同到期不再续签。")  # submitted
        app = self.stop("wang.jing", unit_bj, "unpaid_leave", d + dt.timedelta(days=7),
                        add_months(d + dt.timedelta(days=7), 12) - dt.timedelta(days=1), note="停薪留职一年，照顾家人。")
        application_take(actor=off_bj, application=app)  # in review
        app = self.stop("zhao.lei", unit_bj, "resignation", d - dt.timedelta(days=7), note="本人提出辞职。")
        application_take(actor=off_bj, application=app)
        application_request_supplement(
            actor=off_bj, application=app, reason="解除劳动合同证明缺少单位公章，请补充加盖公章的证明。",
            documents=["contract_ended"],
        )  # supplement requested
        app = self.stop("zhou.jie", unit_bj, "resignation", d - dt.timedelta(days=14), note="协商一致解除劳动合同。")
        application_approve(actor=off_bj, application=app, note="材料齐全，准予停保。")  # approved: suspended
        self.stop("wu.min", unit_bj, "resignation", d + dt.timedelta(days=14), submit=False,
                  groups=["identity", "legal_representative_identity"])  # draft, two documents still to add
        app = self.stop("zheng.qiang", unit_bj, "unpaid_leave", d, add_months(d, 6) - dt.timedelta(days=1))
        application_take(actor=off_bj, application=app)
        application_reject(actor=off_bj, application=app, reason="停薪留职协议未经职工本人签字，请完善后重新申请。")
        app = self.stop("huang.ting", unit_bj, "resignation", d + dt.timedelta(days=3))
        application_withdraw(actor=unit_bj, application=app, note="职工决定继续留任。")  # withdrawn
        app = self.stop("sun.jianhua", unit_bj, "retirement", d - dt.timedelta(days=5), note="达到法定退休年龄。")
        application_approve(actor=off_bj, application=app, note="转为退休人员医保待遇。")  # retired, card active
        app = self.stop("he.zhiming", unit_bj, "transfer_out", d - dt.timedelta(days=10), note="调往外省工作。")
        application_approve(actor=off_bj, application=app, note="已办理转出。")  # terminated
        # correcting a decision takes two: the officer asks, another (here the administrator) confirms
        app = self.stop("ma.li", unit_bj, "resignation", d - dt.timedelta(days=4), note="合同期满。")
        app = application_approve(actor=off_bj, application=app, note="准予停保。")
        application_revoke(actor=off_bj, application=app, reason="单位报错人员，待复核。")  # revocation requested
        app = self.stop("qian.wei", unit_bj, "resignation", d - dt.timedelta(days=6), note="合同期满。")
        app = application_approve(actor=off_bj, application=app, note="准予停保。")
        app = application_revoke(actor=off_bj, application=app, reason="该职工未离职，单位误报。")
        application_confirm_revocation(actor=self.users["admin"], application=app)  # revoked: card active again

        # Chengdu: a unit's resignation stop is handled on the spot; enlistment is reviewed.
        self.stop("yang.fan", unit_cd, "resignation", d - dt.timedelta(days=3), note="个人原因离职。")  # 即办件
        self.stop("luo.zhigang", unit_cd, "enlistment", d - dt.timedelta(days=2), note="应征入伍。")  # submitted

        # Shanghai: li.na's approved pause (she can resume); a counter application to review.
        app = application_create(
            actor=self.users["li.na"], kind="stop", person=self.persons["li.na"], reason="flexible_pause",
            start_date=d, end_date=add_months(d, 3) - dt.timedelta(days=1), note="出国进修三个月。",
        )
        self.documents(self.users["li.na"], app)
        app = application_submit(actor=self.users["li.na"], application=app)
        application_approve(actor=off_sh, application=app, note="准予暂停缴费。")
        self.applications["li.na:stop"] = app
        self.stop("xu.fang", counter, "flexible_pause", d + dt.timedelta(days=1), add_months(d, 2), note="窗口受理。")

        # Wuhan: a pause with an approved resumption after more than 3 months: a 3-month wait.
        app = self.stop("chen.gang", counter, "flexible_pause", d, add_months(d, 6) - dt.timedelta(days=1), note="窗口受理。")
        application_approve(actor=off_wh, application=app)
        app = self.resume("chen.gang", counter, add_months(d, 4), note="提前恢复缴费。")
        application_approve(actor=off_wh, application=app, note="中断超过3个月，设置待遇等待期。")
        self.stop("liu.ting", counter, "flexible_pause", d + dt.timedelta(days=2), add_months(d, 3), note="窗口受理。")

        # Moving on (ADR 0017): 马超 resigned from his former unit and 北京华信 took him on (增员): his
        # stop ended the day before, as a resumption through employment; 郭静 resigned from the
        # Chengdu unit (on the spot) and pays alone as a flexible worker from today.
        app = self.stop("ma.chao", counter, "resignation", d - dt.timedelta(days=25), note="与原单位解除劳动合同。")
        application_approve(actor=off_bj, application=app, note="材料齐全，准予停保。")
        employment_start(person=self.persons["ma.chao"], unit=self.units["beijing"], start_date=d - dt.timedelta(days=4),
                         actor=unit_bj, id_number=self.persons["ma.chao"].id_number)
        self.stop("guo.jing", unit_cd, "resignation", d - dt.timedelta(days=20), note="个人原因离职。")  # 即办件
        employment_start(person=self.persons["guo.jing"], unit=None, start_date=d, actor=self.users["officer.chengdu"])
        for key in ("ma.chao", "guo.jing"):
            self.persons[key].refresh_from_db()
        # Wuhan -> Shanghai: wang.fang's transfer a week ahead, sent out, waiting to be taken in.
        move = transfer_request(actor=self.users["wang.fang"], person_id=self.persons["wang.fang"].pk,
                                to_region="310000", date=d + dt.timedelta(days=7))
        transfer_send(actor=off_wh, transfer_id=move.pk)

        # Refresh the stored objects so callers see the final states.
        for name, application in self.applications.items():
            application.refresh_from_db()
            self.applications[name] = application

    def settlements(self):
        from medpause.coverage.services import settlement_create

        hospital, d = self.users["hospital"], self.day
        rows = [
            ("zhang.wei", d - dt.timedelta(days=2), "356.40", "pooled"),
            ("zhang.wei", d - dt.timedelta(days=1), "42.80", "personal_account"),  # a pharmacy, from the account
            ("li.na", d - dt.timedelta(days=1), "128.00", "pooled"),  # before her pause: settles
            ("li.na", d, "89.50", "pooled"),  # during her pause: card_suspended
            ("li.na", d, "36.00", "personal_account"),  # during her pause, from her account: settles
            ("he.zhiming", d, "1200.00", "pooled"),  # transferred out: card_terminated
            ("sun.jianhua", d, "240.00", "pooled"),  # retired: card still works
        ]
        for i, (key, day, amount, fund) in enumerate(rows, start=1):
            settlement_create(
                institution=hospital, card_number=self.persons[key].card.number, date=day, amount=amount,
                institution_reference=f"HK{d:%Y%m%d}{i:04d}", fund=fund,
            )


def demo_exists() -> bool:
    return Unit.objects.filter(uscc=BEIJING_USCC).exists()


def demo_load() -> DemoResult:
    """Create the demo data once. Returns whether anything was created."""
    if not PolicyVersion.objects.exists():
        from medpause.policy.services import policies_load

        policies_load()
    with transaction.atomic():
        if demo_exists():
            return DemoResult(created=False, users={u.username: u for u in User.objects.filter(
                username__in=[login.username for login in LOGINS])})
        b = _Builder()
        b.staff()
        b.registry()
        b.logins()
        b.cases()
        b.settlements()
    return DemoResult(created=True, users=b.users, persons=b.persons, applications=b.applications)


def logins_table() -> str:
    """The logins as a plain-text table."""
    rows = [("username", "role", "what they see")] + [(x.username, x.role, x.sees) for x in LOGINS]
    w1 = max(len(r[0]) for r in rows)
    w2 = max(len(r[1]) for r in rows)
    lines = [f"{a:<{w1}}  {b:<{w2}}  {c}" for a, b, c in rows]
    lines.insert(1, f"{'-' * w1}  {'-' * w2}  {'-' * 13}")
    return "\n".join(lines) + (
        f"\n\nPassword for every login: {DEMO_PASSWORD}"
        f"\nOfficers and admin then give a one-time code: add the secret {DEMO_TOTP_SECRET} to an authenticator app"
    )
