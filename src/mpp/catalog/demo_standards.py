"""Demo and template content: service standards in Indonesian, with their form definitions.

Fees follow the regulations cited in each standard (PNBP tariffs of the police, immigration and land
office; adminduk is free by UU 24/2013 art. 79A). Where an amount depends on the object (vehicle tax,
land value, pipe size) the fee is the fixed part and ``fee_note`` says how the rest is set.
"""

from __future__ import annotations

from typing import Any

from mpp.catalog.models import Category, Channel, TimeLimitUnit

MB = 1024 * 1024
DOCS = ["application/pdf", "image/jpeg", "image/png"]

COMPLAINT = (
    "Pengaduan, saran, dan masukan dapat disampaikan melalui SP4N-LAPOR! (www.lapor.go.id atau SMS "
    "1708), loket pengaduan di Mal Pelayanan Publik, kotak saran di ruang tunggu, atau menu Pengaduan "
    "di MPP Digital. Pengaduan diverifikasi paling lama 3 hari kerja dan ditindaklanjuti sesuai "
    "ketentuan SP4N-LAPOR!."
)

INTERNAL = {
    "facilities": (
        "Loket pelayanan dengan komputer, pemindai, dan pencetak; mesin nomor antrean; ruang tunggu "
        "ber-AC dengan kursi prioritas; ramp dan ubin pemandu; toilet ramah disabilitas; ruang laktasi; "
        "jaringan internet; papan informasi standar pelayanan."
    ),
    "staff_competence": (
        "Memahami peraturan yang menjadi dasar hukum layanan; mampu mengoperasikan aplikasi layanan; "
        "mampu berkomunikasi dengan ramah, jelas, dan sopan; memahami pelayanan bagi kelompok rentan "
        "dan penyandang disabilitas."
    ),
    "internal_supervision": (
        "Pengawasan melekat oleh atasan langsung; Sistem Pengendalian Intern Pemerintah (SPIP); "
        "pemeriksaan oleh aparat pengawasan intern instansi."
    ),
    "staff_count": "2 orang petugas loket, 1 orang verifikator, dan 1 orang penandatangan",
    "service_guarantee": (
        "Pelayanan diberikan sesuai standar pelayanan ini, tepat waktu, dan tanpa pungutan di luar "
        "biaya yang tercantum. Bila jangka waktu terlampaui, pemohon berhak menyampaikan pengaduan dan "
        "memperoleh tanggapan tertulis."
    ),
    "security_guarantee": (
        "Data pribadi pemohon dilindungi sesuai Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan "
        "Data Pribadi; dokumen hasil layanan dapat diverifikasi melalui kode QR; ruang layanan "
        "dilengkapi CCTV, alat pemadam api ringan, dan jalur evakuasi."
    ),
    "performance_evaluation": (
        "Survei Kepuasan Masyarakat (SKM) setiap semester; evaluasi penerapan standar pelayanan paling "
        "sedikit sekali setahun; rapat evaluasi kinerja pelaksana setiap bulan."
    ),
}


# --- Form definition helpers ----------------------------------------------------------------


def text(
    name: str, label: str, *, required: bool = True, help_text: str = "", section: str = "", **extra
) -> dict:
    return {"name": name, "type": "text", "label": label, "required": required, "help_text": help_text, "section": section, **extra}  # fmt: skip


def long_text(name: str, label: str, *, required: bool = True, section: str = "", **extra) -> dict:
    return {"name": name, "type": "long_text", "label": label, "required": required, "section": section, **extra}  # fmt: skip


def date(name: str, label: str, *, required: bool = True, section: str = "", **extra) -> dict:
    return {"name": name, "type": "date", "label": label, "required": required, "section": section, **extra}  # fmt: skip


def nik(name: str, label: str, *, required: bool = True, section: str = "", **extra) -> dict:
    return {"name": name, "type": "nik", "label": label, "required": required, "section": section, **extra}  # fmt: skip


def choice(
    name: str,
    label: str,
    options: list[tuple[str, str]],
    *,
    required: bool = True,
    section: str = "",
    multiple: bool = False,
    **extra,
) -> dict:
    return {
        "name": name, "type": "multiple_choice" if multiple else "choice", "label": label,
        "required": required, "section": section,
        "choices": [{"value": value, "label": text_} for value, text_ in options], **extra,
    }  # fmt: skip


def upload(
    name: str,
    label: str,
    *,
    required: bool = True,
    help_text: str = "",
    section: str = "Dokumen",
    max_mb: int = 2,
    **extra,
) -> dict:
    return {
        "name": name, "type": "file", "label": label, "required": required, "help_text": help_text,
        "section": section, "file_types": DOCS, "max_bytes": max_mb * MB, **extra,
    }  # fmt: skip


def applicant(section: str = "Data pemohon") -> list[dict]:
    return [
        text("nama_pemohon", "Nama lengkap pemohon", section=section),
        nik("nik_pemohon", "NIK pemohon", section=section, help_text="16 digit sesuai KTP-el atau KK."),
        text("telepon", "Nomor telepon/WhatsApp", section=section, help_text="Untuk pemberitahuan proses permohonan."),
    ]  # fmt: skip


def standard(
    name: str,
    *,
    summary: str,
    category: str,
    channel: str = Channel.BOTH,
    requirements: list[str],
    procedure: list[str],
    time_limit: int,
    unit: str = TimeLimitUnit.WORKING_DAYS,
    fee: int = 0,
    fee_note: str = "",
    product: str,
    legal_basis: list[str],
    form: list[dict] | None = None,
    auto_approve: bool = False,
    skip_approval: bool = False,
    **internal: str,
) -> dict[str, Any]:
    """A complete service standard (all 14 components) as ServiceVersion content."""
    return {
        "name": name,
        "summary": summary,
        "category": category,
        "channel": channel,
        "requirements": requirements,
        "procedure": procedure,
        "time_limit": time_limit,
        "time_limit_unit": unit,
        "fee": fee,
        "fee_note": fee_note,
        "product": product,
        "complaint_handling": COMPLAINT,
        "legal_basis": legal_basis,
        **{**INTERNAL, **internal},
        "form_definition": form or [],
        "auto_approve": auto_approve,
        "skip_approval": skip_approval,
    }


# --- National templates: adminduk ------------------------------------------------------------

ADMINDUK_LAW = [
    "Undang-Undang Nomor 23 Tahun 2006 tentang Administrasi Kependudukan sebagaimana telah diubah dengan Undang-Undang Nomor 24 Tahun 2013",
    "Peraturan Presiden Nomor 96 Tahun 2018 tentang Persyaratan dan Tata Cara Pendaftaran Penduduk dan Pencatatan Sipil",
    "Peraturan Menteri Dalam Negeri Nomor 19 Tahun 2018 tentang Peningkatan Kualitas Layanan Administrasi Kependudukan",
    "Peraturan Menteri Dalam Negeri Nomor 108 Tahun 2019 tentang Peraturan Pelaksanaan Peraturan Presiden Nomor 96 Tahun 2018",
]  # fmt: skip
ADMINDUK_FEE = "Tidak dipungut biaya (Pasal 79A Undang-Undang Nomor 24 Tahun 2013)."
ADMINDUK_NOTE = "Tidak memerlukan surat pengantar RT/RW atau kelurahan (Peraturan Presiden Nomor 96 Tahun 2018)."
ADMINDUK_STAFF = {
    "staff_competence": (
        "Memahami Undang-Undang Administrasi Kependudukan dan Perpres 96/2018; mampu mengoperasikan "
        "SIAK Terpusat; mampu memverifikasi keaslian dokumen kependudukan."
    ),
    "staff_count": "3 orang petugas loket, 1 orang operator SIAK, dan 1 orang pejabat pencatatan sipil",
}


def _adminduk(
    name, summary, requirements, procedure, product, form, *, channel=Channel.BOTH, hours=1
):
    return standard(
        name, summary=summary, category=Category.KEPENDUDUKAN, channel=channel,
        requirements=[*requirements, ADMINDUK_NOTE], procedure=procedure, time_limit=hours,
        unit=TimeLimitUnit.HOURS, fee=0, fee_note=ADMINDUK_FEE, product=product,
        legal_basis=ADMINDUK_LAW, form=form, skip_approval=True, **ADMINDUK_STAFF,
    )  # fmt: skip


ONLINE_STEPS = [
    "Pemohon mengisi formulir dan mengunggah dokumen persyaratan melalui MPP Digital, atau datang ke loket dengan membawa dokumen asli.",
    "Petugas memverifikasi data dan dokumen; bila belum lengkap, pemohon diberi tahu apa yang perlu diperbaiki.",
    "Petugas memproses data di SIAK Terpusat dan pejabat menandatangani dokumen secara elektronik.",
    "Pemohon menerima dokumen dalam bentuk elektronik (PDF bertanda tangan elektronik) atau mencetaknya di loket.",
]  # fmt: skip

ADMINDUK_TEMPLATES: dict[str, dict] = {
    "templat-kk-baru": _adminduk(
        "Penerbitan Kartu Keluarga (KK) baru",
        "Kartu Keluarga untuk keluarga baru, misalnya setelah menikah atau membentuk rumah tangga sendiri.",
        [
            "Buku nikah/kutipan akta perkawinan atau akta perceraian",
            "Surat keterangan pindah bagi penduduk yang pindah dalam wilayah NKRI",
            "Formulir biodata keluarga (F-1.01) yang diisi di loket atau melalui aplikasi",
        ],
        ONLINE_STEPS,
        "Kartu Keluarga (KK)",
        [
            *applicant(),
            choice(
                "alasan",
                "Alasan penerbitan",
                [
                    ("menikah", "Membentuk keluarga baru setelah menikah"),
                    ("pisah", "Memisahkan diri dari KK orang tua"),
                    ("pindah", "Pindah datang dari daerah lain"),
                ],
                section="Permohonan",
            ),
            upload(
                "buku_nikah",
                "Buku nikah atau akta perkawinan",
                visible_if={"field": "alasan", "value": "menikah"},
            ),
            upload(
                "surat_pindah",
                "Surat keterangan pindah",
                visible_if={"field": "alasan", "value": "pindah"},
            ),
        ],
    ),
    "templat-perubahan-kk": _adminduk(
        "Perubahan data Kartu Keluarga (KK)",
        "Menambah atau mengurangi anggota keluarga, atau mengubah data seperti pendidikan, pekerjaan, dan status perkawinan.",
        [
            "KK lama",
            "Dokumen yang menjadi dasar perubahan (akta kelahiran, akta kematian, ijazah, buku nikah, atau surat keterangan pindah)",
        ],
        ONLINE_STEPS,
        "Kartu Keluarga (KK) dengan data terbaru",
        [
            *applicant(),
            choice(
                "jenis_perubahan",
                "Jenis perubahan",
                [
                    ("tambah", "Penambahan anggota keluarga"),
                    ("kurang", "Pengurangan anggota keluarga"),
                    (
                        "elemen",
                        "Perubahan elemen data (pendidikan, pekerjaan, status perkawinan, dan lain-lain)",
                    ),
                ],
                section="Permohonan",
            ),
            long_text("uraian", "Uraian perubahan", section="Permohonan"),
            upload("kk_lama", "Kartu Keluarga lama"),
            upload("dokumen_dasar", "Dokumen dasar perubahan"),
        ],
    ),
    "templat-akta-kelahiran": _adminduk(
        "Penerbitan akta kelahiran",
        "Akta kelahiran untuk bayi yang baru lahir maupun kelahiran yang terlambat dicatat.",
        [
            "Surat keterangan kelahiran dari rumah sakit, puskesmas, bidan, atau dokter",
            "Kartu Keluarga (KK) tempat bayi akan didaftarkan",
            "Buku nikah/kutipan akta perkawinan orang tua, bila ada; bila tidak ada, Surat Pernyataan Tanggung Jawab Mutlak (SPTJM) kebenaran data kelahiran",
        ],
        ONLINE_STEPS,
        "Kutipan akta kelahiran dan Kartu Keluarga yang telah diperbarui",
        [
            *applicant(),
            text("nama_anak", "Nama anak", section="Data anak"),
            date("tanggal_lahir", "Tanggal lahir anak", section="Data anak"),
            text("tempat_lahir", "Tempat lahir", section="Data anak"),
            choice(
                "jenis_kelamin",
                "Jenis kelamin",
                [("l", "Laki-laki"), ("p", "Perempuan")],
                section="Data anak",
            ),
            upload("surat_kelahiran", "Surat keterangan kelahiran"),
            upload("kk", "Kartu Keluarga"),
            choice(
                "status_nikah",
                "Orang tua memiliki buku nikah/akta perkawinan?",
                [("ya", "Ya"), ("tidak", "Tidak")],
                section="Dokumen",
            ),
            upload(
                "buku_nikah",
                "Buku nikah/akta perkawinan orang tua",
                visible_if={"field": "status_nikah", "value": "ya"},
            ),
            upload(
                "sptjm",
                "SPTJM kebenaran data kelahiran",
                visible_if={"field": "status_nikah", "value": "tidak"},
            ),
        ],
    ),
    "templat-akta-kematian": _adminduk(
        "Penerbitan akta kematian",
        "Pencatatan kematian penduduk dan penerbitan kutipan akta kematian bagi ahli waris.",
        [
            "Surat keterangan kematian dari rumah sakit, puskesmas, dokter, atau kepala desa/lurah",
            "KK dan KTP-el almarhum/almarhumah",
            "KTP-el pelapor",
        ],
        ONLINE_STEPS,
        "Kutipan akta kematian dan Kartu Keluarga yang telah diperbarui",
        [
            *applicant("Data pelapor"),
            text("nama_almarhum", "Nama almarhum/almarhumah", section="Data yang meninggal"),
            nik("nik_almarhum", "NIK almarhum/almarhumah", section="Data yang meninggal"),
            date("tanggal_meninggal", "Tanggal meninggal", section="Data yang meninggal"),
            upload("surat_kematian", "Surat keterangan kematian"),
            upload("kk", "Kartu Keluarga almarhum/almarhumah"),
        ],
    ),
    "templat-ktp-el-baru": _adminduk(
        "Perekaman dan penerbitan KTP-el baru",
        "KTP-el pertama bagi penduduk yang berusia 17 tahun, sudah atau pernah kawin. Perekaman sidik jari, iris mata, dan foto dilakukan di loket.",
        ["Kartu Keluarga (KK)", "Telah berusia 17 tahun atau sudah/pernah kawin"],
        [
            "Pemohon datang ke loket Disdukcapil di MPP dengan membawa KK.",
            "Petugas memverifikasi data dan merekam biometrik (foto, sidik jari, iris mata, tanda tangan).",
            "KTP-el dicetak setelah data terverifikasi di pusat data kependudukan.",
            "Pemohon menerima KTP-el di loket.",
        ],
        "Kartu Tanda Penduduk elektronik (KTP-el), berlaku seumur hidup",
        None,
        channel=Channel.COUNTER,
    ),
    "templat-ktp-el-hilang": _adminduk(
        "Penggantian KTP-el karena hilang",
        "KTP-el pengganti bagi penduduk yang kehilangan KTP-el; tidak perlu perekaman ulang.",
        ["Surat keterangan kehilangan dari kepolisian", "Kartu Keluarga (KK)"],
        ONLINE_STEPS,
        "Kartu Tanda Penduduk elektronik (KTP-el) pengganti",
        [
            *applicant(),
            upload("surat_kehilangan", "Surat keterangan kehilangan dari kepolisian"),
            upload("kk", "Kartu Keluarga"),
        ],
    ),
    "templat-ktp-el-rusak": _adminduk(
        "Penggantian KTP-el karena rusak atau perubahan data",
        "KTP-el pengganti bila kartu rusak, atau setelah perubahan data (alamat, status perkawinan, agama).",
        ["KTP-el yang rusak (diserahkan di loket)", "Kartu Keluarga (KK) dengan data terbaru"],
        ONLINE_STEPS,
        "Kartu Tanda Penduduk elektronik (KTP-el) pengganti",
        [
            *applicant(),
            choice(
                "alasan",
                "Alasan penggantian",
                [("rusak", "KTP-el rusak"), ("data", "Perubahan data")],
                section="Permohonan",
            ),
            upload(
                "foto_ktp",
                "Foto KTP-el yang rusak",
                visible_if={"field": "alasan", "value": "rusak"},
            ),
            upload("kk", "Kartu Keluarga"),
        ],
    ),
    "templat-surat-pindah": _adminduk(
        "Surat keterangan pindah (SKPWNI)",
        "Surat keterangan pindah bagi penduduk yang pindah ke kabupaten/kota atau provinsi lain.",
        ["Kartu Keluarga (KK)", "KTP-el", "Alamat tujuan pindah"],
        ONLINE_STEPS,
        "Surat Keterangan Pindah Warga Negara Indonesia (SKPWNI)",
        [
            *applicant(),
            long_text("alamat_tujuan", "Alamat tujuan lengkap", section="Tujuan pindah"),
            {
                "name": "kabkota_tujuan",
                "type": "region",
                "label": "Kode kabupaten/kota tujuan",
                "required": True,
                "help_text": "Empat digit kode wilayah Kemendagri, misalnya 3471 untuk Kota Yogyakarta.",
                "section": "Tujuan pindah",
            },
            choice(
                "anggota",
                "Yang pindah",
                [("semua", "Seluruh anggota keluarga"), ("sebagian", "Sebagian anggota keluarga")],
                section="Tujuan pindah",
            ),
            long_text(
                "daftar_anggota",
                "Nama anggota keluarga yang pindah",
                visible_if={"field": "anggota", "value": "sebagian"},
                section="Tujuan pindah",
            ),
            upload("kk", "Kartu Keluarga"),
        ],
    ),
    "templat-aktivasi-ikd": _adminduk(
        "Aktivasi Identitas Kependudukan Digital (IKD)",
        "Aktivasi KTP digital di aplikasi IKD pada ponsel pemohon, dengan verifikasi wajah oleh petugas.",
        [
            "KTP-el",
            "Ponsel Android atau iOS dengan aplikasi Identitas Kependudukan Digital terpasang",
            "Alamat surel dan nomor ponsel yang aktif",
        ],
        [
            "Pemohon memasang aplikasi IKD dan mengisi NIK, surel, dan nomor ponsel.",
            "Pemohon melakukan swafoto verifikasi wajah.",
            "Petugas memindai kode QR aktivasi di loket.",
            "IKD aktif dan dapat digunakan.",
        ],
        "Identitas Kependudukan Digital yang aktif",
        None,
        channel=Channel.COUNTER,
    ),
}

# --- National templates: health-worker practice permits (SIP) --------------------------------

SIP_LAW = [
    "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan",
    "Peraturan Pemerintah Nomor 28 Tahun 2024 tentang Peraturan Pelaksanaan Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan",
    "Keputusan Bersama tentang penyelenggaraan MPP Digital Nasional Tahun 2025 (keputusan paling lama 5 hari kerja; fiktif positif)",
]  # fmt: skip
SIP_STEPS = [
    "Pemohon mengisi formulir dan mengunggah STR serta surat keterangan tempat praktik melalui MPP Digital.",
    "Petugas memverifikasi dokumen dan data SATUSEHAT SDMK; bila belum lengkap, pemohon diminta memperbaiki.",
    "Kepala dinas menandatangani SIP secara elektronik.",
    "Bila keputusan belum diberikan dalam 5 hari kerja, SIP diterbitkan secara otomatis (fiktif positif).",
]  # fmt: skip
SIP_STAFF = {
    "staff_competence": "Memahami ketentuan perizinan tenaga kesehatan (UU 17/2023 dan PP 28/2024); mampu memeriksa data STR dan SATUSEHAT SDMK.",
    "staff_count": "2 orang verifikator teknis dan 1 orang penandatangan",
}  # fmt: skip


def _sip(
    profession: str, *, limit_note: str = "", extra_requirements: list[str] | None = None
) -> dict:
    requirements = [
        "Surat Tanda Registrasi (STR) yang masih berlaku (STR berlaku seumur hidup sejak UU 17/2023)",
        "Surat keterangan dari pimpinan fasilitas pelayanan kesehatan tempat praktik, atau pernyataan memiliki tempat praktik mandiri",
        "Pasfoto berwarna terbaru",
        *(extra_requirements or []),
        "Tidak diperlukan rekomendasi organisasi profesi (sejak Maret 2024)",
    ]
    if limit_note:
        requirements.append(limit_note)
    form = [
        *applicant(),
        text("nomor_str", "Nomor STR", section="Registrasi"),
        text("nama_fasyankes", "Nama fasilitas pelayanan kesehatan tempat praktik", section="Tempat praktik"),
        long_text("alamat_praktik", "Alamat tempat praktik", section="Tempat praktik"),
        choice("urutan_sip", "SIP ini adalah SIP ke-", [("1", "Pertama"), ("2", "Kedua"), ("3", "Ketiga")], section="Tempat praktik"),
        upload("str", "Pindaian STR"),
        upload("surat_tempat_praktik", "Surat keterangan tempat praktik"),
        upload("pasfoto", "Pasfoto berwarna", help_text="JPEG atau PNG, paling besar 1 MB.", max_mb=1),
    ]  # fmt: skip
    return standard(
        f"Surat Izin Praktik (SIP) {profession}",
        summary=f"Izin praktik bagi {profession} di fasilitas pelayanan kesehatan atau praktik mandiri di kabupaten/kota ini; satu SIP untuk satu tempat praktik.",
        category=Category.PERIZINAN_KESEHATAN, channel=Channel.ONLINE, requirements=requirements,
        procedure=SIP_STEPS, time_limit=5, fee=0,
        fee_note="Tidak dipungut biaya.", product=f"Surat Izin Praktik (SIP) {profession} bertanda tangan elektronik",
        legal_basis=SIP_LAW, form=form, auto_approve=True, **SIP_STAFF,
    )  # fmt: skip


THREE_SIP = "Dokter dan dokter gigi paling banyak memiliki 3 (tiga) SIP (PP 28/2024)"
SIP_TEMPLATES: dict[str, dict] = {
    "templat-sip-dokter": _sip("dokter", limit_note=THREE_SIP),
    "templat-sip-dokter-gigi": _sip("dokter gigi", limit_note=THREE_SIP),
    "templat-sip-perawat": _sip("perawat"),
    "templat-sip-bidan": _sip("bidan"),
    "templat-sip-apoteker": _sip("apoteker", extra_requirements=["Surat keterangan dari apotek atau instalasi farmasi tempat praktik"]),
    "templat-sip-tenaga-kesehatan-lain": _sip("tenaga kesehatan lain", extra_requirements=["Keterangan jenis tenaga kesehatan (misalnya fisioterapis, ahli gizi, radiografer)"]),
}  # fmt: skip

TEMPLATES = {**ADMINDUK_TEMPLATES, **SIP_TEMPLATES}


# --- Other services at the Batam MPP --------------------------------------------------------

POLRI_PNBP = "Peraturan Pemerintah Nomor 76 Tahun 2020 tentang Jenis dan Tarif atas Jenis PNBP yang Berlaku pada Kepolisian Negara Republik Indonesia"
IMIGRASI_LAW = [
    "Undang-Undang Nomor 6 Tahun 2011 tentang Keimigrasian",
    "Peraturan Pemerintah Nomor 28 Tahun 2019 tentang Jenis dan Tarif atas Jenis PNBP yang Berlaku pada Kementerian Hukum dan HAM",
    "Peraturan Menteri Hukum dan HAM Nomor 18 Tahun 2022 tentang Perubahan atas Permenkumham Nomor 8 Tahun 2014 tentang Paspor Biasa dan Surat Perjalanan Laksana Paspor",
]  # fmt: skip
BPN_LAW = [
    "Peraturan Pemerintah Nomor 24 Tahun 1997 tentang Pendaftaran Tanah",
    "Peraturan Pemerintah Nomor 128 Tahun 2015 tentang Jenis dan Tarif atas Jenis PNBP yang Berlaku pada Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
]  # fmt: skip
PAJAK_LAW = [
    "Undang-Undang Nomor 6 Tahun 1983 tentang Ketentuan Umum dan Tata Cara Perpajakan sebagaimana telah beberapa kali diubah, terakhir dengan Undang-Undang Nomor 6 Tahun 2023",
    "Peraturan Menteri Keuangan Nomor 81 Tahun 2024 tentang Ketentuan Perpajakan dalam rangka Pelaksanaan Sistem Inti Administrasi Perpajakan",
]  # fmt: skip
SAMSAT_LAW = [
    "Undang-Undang Nomor 1 Tahun 2022 tentang Hubungan Keuangan antara Pemerintah Pusat dan Pemerintahan Daerah",
    "Peraturan Presiden Nomor 5 Tahun 2015 tentang Penyelenggaraan Sistem Administrasi Manunggal Satu Atap Kendaraan Bermotor",
    POLRI_PNBP,
]  # fmt: skip
BPJS_KES_LAW = [
    "Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara Jaminan Sosial",
    "Peraturan Presiden Nomor 82 Tahun 2018 tentang Jaminan Kesehatan sebagaimana telah diubah terakhir dengan Peraturan Presiden Nomor 59 Tahun 2024",
]  # fmt: skip
BPJS_TK_LAW = [
    "Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara Jaminan Sosial",
    "Peraturan Menteri Ketenagakerjaan Nomor 4 Tahun 2022 tentang Tata Cara dan Persyaratan Pembayaran Manfaat Jaminan Hari Tua",
]  # fmt: skip

COUNTER_STEPS = [
    "Pemohon mengambil nomor antrean (di MPP atau melalui MPP Digital).",
    "Petugas loket memeriksa kelengkapan persyaratan.",
    "Petugas memproses permohonan dan pemohon membayar biaya (bila ada) melalui bank persepsi atau kanal pembayaran resmi.",
    "Pemohon menerima produk layanan di loket.",
]  # fmt: skip


def _online_form(*documents: tuple[str, str]) -> list[dict]:
    return [*applicant(), *(upload(name, label) for name, label in documents)]


OTHER_SERVICES: dict[str, list[tuple[str, dict]]] = {
    "disdukcapil-batam": [
        ("batam-kia", _adminduk(
            "Penerbitan Kartu Identitas Anak (KIA)",
            "Kartu identitas bagi anak berusia di bawah 17 tahun yang belum menikah.",
            ["Kutipan akta kelahiran anak", "Kartu Keluarga (KK) orang tua", "Pasfoto berwarna anak bagi yang berusia 5 tahun ke atas"],
            ONLINE_STEPS, "Kartu Identitas Anak (KIA)",
            [*applicant("Data orang tua"), text("nama_anak", "Nama anak", section="Data anak"), nik("nik_anak", "NIK anak", section="Data anak"),
             date("tanggal_lahir_anak", "Tanggal lahir anak", section="Data anak"), upload("akta_kelahiran", "Kutipan akta kelahiran anak"),
             upload("pasfoto", "Pasfoto anak (usia 5 tahun ke atas)", required=False, max_mb=1)],
        )),
        ("batam-akta-perkawinan", _adminduk(
            "Penerbitan akta perkawinan (bagi yang beragama selain Islam)",
            "Pencatatan perkawinan yang telah disahkan oleh pemuka agama dan penerbitan kutipan akta perkawinan.",
            ["Surat keterangan telah terjadinya perkawinan dari pemuka agama", "KTP-el dan KK kedua mempelai", "Pasfoto berdampingan berwarna", "Kutipan akta kelahiran kedua mempelai", "Identitas 2 (dua) orang saksi"],
            ONLINE_STEPS, "Kutipan akta perkawinan dan Kartu Keluarga yang telah diperbarui",
            [*applicant("Data pemohon"), date("tanggal_perkawinan", "Tanggal perkawinan", section="Perkawinan"), text("tempat_perkawinan", "Tempat perkawinan", section="Perkawinan"),
             upload("surat_pemuka_agama", "Surat keterangan perkawinan dari pemuka agama"), upload("pasfoto", "Pasfoto berdampingan", max_mb=1)],
        )),
    ],
    "imigrasi-batam": [
        ("batam-paspor-baru", standard(
            "Penerbitan paspor biasa baru (elektronik)",
            summary="Paspor elektronik 48 halaman bagi warga negara Indonesia yang belum pernah memiliki paspor. Jadwal kedatangan diambil melalui aplikasi M-Paspor.",
            category=Category.KEIMIGRASIAN, requirements=["KTP-el", "Kartu Keluarga (KK)", "Akta kelahiran, buku nikah, atau ijazah yang memuat nama, tempat dan tanggal lahir, serta nama orang tua", "Bukti pembayaran PNBP"],
            procedure=["Pemohon mendaftar dan memilih jadwal di aplikasi M-Paspor, lalu membayar PNBP.", "Pemohon datang sesuai jadwal ke loket Imigrasi di MPP dengan dokumen asli.", "Petugas memverifikasi dokumen, mewawancarai, dan mengambil foto serta sidik jari.", "Paspor dapat diambil setelah 4 hari kerja."],
            time_limit=4, fee=650000, fee_note="PNBP paspor elektronik masa berlaku 10 tahun Rp 650.000 (PP 28/2019 dan perubahannya).",
            product="Paspor biasa elektronik", legal_basis=IMIGRASI_LAW,
            form=_online_form(("ktp", "KTP-el"), ("kk", "Kartu Keluarga"), ("akta", "Akta kelahiran, buku nikah, atau ijazah")),
        )),
        ("batam-paspor-penggantian", standard(
            "Penggantian paspor (habis berlaku, hilang, atau rusak)",
            summary="Paspor pengganti bila masa berlaku habis, halaman penuh, paspor hilang, atau rusak.",
            category=Category.KEIMIGRASIAN, requirements=["KTP-el", "Paspor lama (bila masih ada)", "Surat keterangan kehilangan dari kepolisian (bila hilang)", "Bukti pembayaran PNBP"],
            procedure=["Pemohon mendaftar dan memilih jadwal di aplikasi M-Paspor.", "Pemohon datang sesuai jadwal dengan dokumen asli.", "Petugas memverifikasi, mewawancarai, dan mengambil biometrik; paspor hilang atau rusak melalui pemeriksaan (BAP).", "Paspor dapat diambil setelah 4 hari kerja."],
            time_limit=4, fee=650000, fee_note="PNBP paspor elektronik Rp 650.000; ditambah Rp 1.000.000 bila paspor hilang atau Rp 500.000 bila rusak (PP 28/2019).",
            product="Paspor biasa elektronik pengganti", legal_basis=IMIGRASI_LAW,
            form=[*applicant(), choice("alasan", "Alasan penggantian", [("habis", "Masa berlaku habis atau halaman penuh"), ("hilang", "Hilang"), ("rusak", "Rusak")], section="Permohonan"),
                  upload("paspor_lama", "Halaman identitas paspor lama", required=False), upload("surat_kehilangan", "Surat keterangan kehilangan dari kepolisian", visible_if={"field": "alasan", "value": "hilang"})],
        )),
    ],
    "polresta-barelang": [
        ("batam-skck", standard(
            "Penerbitan Surat Keterangan Catatan Kepolisian (SKCK)",
            summary="SKCK baru atau perpanjangan untuk melamar kerja, sekolah, atau keperluan lain.",
            category=Category.KEPOLISIAN, requirements=["KTP-el", "Kartu Keluarga (KK)", "Akta kelahiran atau ijazah terakhir", "Pasfoto berwarna 4×6 cm latar merah sebanyak 6 lembar", "Rumus sidik jari (diambil di loket bila belum ada)", "SKCK lama untuk perpanjangan"],
            procedure=["Pemohon mendaftar secara daring di MPP Digital atau langsung di loket.", "Petugas mengambil atau memeriksa rumus sidik jari.", "Petugas memeriksa catatan kepolisian dan mencetak SKCK.", "Pemohon membayar PNBP dan menerima SKCK."],
            time_limit=1, fee=30000, fee_note="PNBP penerbitan SKCK Rp 30.000 (PP 76/2020).",
            product="Surat Keterangan Catatan Kepolisian (SKCK), berlaku 6 bulan", legal_basis=["Undang-Undang Nomor 2 Tahun 2002 tentang Kepolisian Negara Republik Indonesia", "Peraturan Kepolisian Negara Republik Indonesia Nomor 6 Tahun 2023 tentang Penerbitan SKCK", POLRI_PNBP],
            form=[*applicant(), text("keperluan", "Keperluan SKCK", section="Permohonan"), choice("jenis", "Jenis permohonan", [("baru", "Baru"), ("perpanjangan", "Perpanjangan")], section="Permohonan"),
                  upload("ktp", "KTP-el"), upload("pasfoto", "Pasfoto berwarna latar merah", max_mb=1), upload("skck_lama", "SKCK lama", visible_if={"field": "jenis", "value": "perpanjangan"})],
        )),
        ("batam-sim-a-perpanjangan", standard(
            "Perpanjangan SIM A",
            summary="Perpanjangan Surat Izin Mengemudi golongan A sebelum masa berlakunya habis.",
            category=Category.KEPOLISIAN, channel=Channel.COUNTER, requirements=["KTP-el", "SIM A lama yang masih berlaku", "Surat keterangan sehat jasmani dari dokter", "Surat keterangan lulus tes psikologi"],
            procedure=COUNTER_STEPS, time_limit=2, unit=TimeLimitUnit.HOURS, fee=80000, fee_note="PNBP perpanjangan SIM A Rp 80.000 (PP 76/2020); tidak termasuk biaya pemeriksaan kesehatan dan psikologi.",
            product="Surat Izin Mengemudi (SIM) A", legal_basis=["Undang-Undang Nomor 22 Tahun 2009 tentang Lalu Lintas dan Angkutan Jalan", "Peraturan Kepolisian Negara Republik Indonesia Nomor 5 Tahun 2021 tentang Penerbitan dan Penandaan SIM", POLRI_PNBP],
        )),
        ("batam-sim-c-perpanjangan", standard(
            "Perpanjangan SIM C",
            summary="Perpanjangan Surat Izin Mengemudi golongan C untuk sepeda motor.",
            category=Category.KEPOLISIAN, channel=Channel.COUNTER, requirements=["KTP-el", "SIM C lama yang masih berlaku", "Surat keterangan sehat jasmani dari dokter", "Surat keterangan lulus tes psikologi"],
            procedure=COUNTER_STEPS, time_limit=2, unit=TimeLimitUnit.HOURS, fee=75000, fee_note="PNBP perpanjangan SIM C Rp 75.000 (PP 76/2020); tidak termasuk biaya pemeriksaan kesehatan dan psikologi.",
            product="Surat Izin Mengemudi (SIM) C", legal_basis=["Undang-Undang Nomor 22 Tahun 2009 tentang Lalu Lintas dan Angkutan Jalan", "Peraturan Kepolisian Negara Republik Indonesia Nomor 5 Tahun 2021 tentang Penerbitan dan Penandaan SIM", POLRI_PNBP],
        )),
    ],
    "bpjs-kesehatan-batam": [
        ("batam-bpjs-kesehatan-pendaftaran", standard(
            "Pendaftaran peserta JKN-KIS pekerja bukan penerima upah (mandiri)",
            summary="Pendaftaran peserta Jaminan Kesehatan Nasional kelas mandiri bagi pekerja bukan penerima upah dan anggota keluarganya.",
            category=Category.JAMINAN_SOSIAL, requirements=["KTP-el", "Kartu Keluarga (KK)", "Nomor rekening bank untuk autodebet iuran", "Nomor ponsel dan alamat surel yang aktif"],
            procedure=["Pemohon mengisi formulir pendaftaran daring atau di loket.", "Petugas memverifikasi data kependudukan.", "Pemohon menerima nomor virtual account dan membayar iuran pertama.", "Kartu JKN aktif 14 hari setelah pendaftaran."],
            time_limit=1, fee=0, fee_note="Pendaftaran tidak dipungut biaya; iuran bulanan sesuai kelas yang dipilih (Perpres 59/2024).",
            product="Kartu peserta JKN-KIS (digital di aplikasi Mobile JKN)", legal_basis=BPJS_KES_LAW,
            form=[*applicant(), choice("kelas", "Kelas perawatan", [("1", "Kelas I"), ("2", "Kelas II"), ("3", "Kelas III")], section="Kepesertaan"), upload("kk", "Kartu Keluarga")],
        )),
        ("batam-bpjs-kesehatan-perubahan-data", standard(
            "Perubahan data peserta JKN-KIS",
            summary="Perubahan data peserta seperti alamat, fasilitas kesehatan tingkat pertama (FKTP), kelas rawat, atau anggota keluarga.",
            category=Category.JAMINAN_SOSIAL, requirements=["KTP-el", "Kartu JKN-KIS", "Dokumen pendukung perubahan (KK terbaru, akta kelahiran, atau buku nikah)"],
            procedure=["Pemohon mengisi formulir perubahan data.", "Petugas memverifikasi dokumen pendukung.", "Data diperbarui dan pemohon menerima konfirmasi."],
            time_limit=1, fee=0, fee_note="Tidak dipungut biaya.", product="Data kepesertaan JKN-KIS yang diperbarui", legal_basis=BPJS_KES_LAW,
            form=[*applicant(), choice("jenis", "Data yang diubah", [("alamat", "Alamat"), ("fktp", "Fasilitas kesehatan tingkat pertama"), ("kelas", "Kelas rawat"), ("keluarga", "Anggota keluarga")], multiple=True, section="Perubahan"),
                  upload("dokumen", "Dokumen pendukung")],
        )),
    ],
    "bpjs-ketenagakerjaan-batam": [
        ("batam-bpjs-tk-bpu", standard(
            "Pendaftaran peserta BPJS Ketenagakerjaan bukan penerima upah",
            summary="Pendaftaran perlindungan jaminan kecelakaan kerja dan jaminan kematian bagi pekerja mandiri seperti pedagang, ojek, dan nelayan.",
            category=Category.JAMINAN_SOSIAL, requirements=["KTP-el", "Nomor ponsel yang aktif"],
            procedure=["Pemohon mengisi formulir pendaftaran.", "Petugas memverifikasi NIK.", "Pemohon membayar iuran pertama melalui kanal pembayaran resmi.", "Kartu peserta digital terbit di aplikasi JMO."],
            time_limit=1, fee=0, fee_note="Pendaftaran tidak dipungut biaya; iuran mulai Rp 16.800 per bulan untuk JKK dan JKM.",
            product="Kartu peserta BPJS Ketenagakerjaan digital", legal_basis=["Undang-Undang Nomor 24 Tahun 2011 tentang Badan Penyelenggara Jaminan Sosial", "Peraturan Pemerintah Nomor 44 Tahun 2015 tentang Penyelenggaraan Program Jaminan Kecelakaan Kerja dan Jaminan Kematian"],
            form=[*applicant(), text("pekerjaan", "Jenis pekerjaan", section="Pekerjaan")],
        )),
        ("batam-bpjs-tk-jht", standard(
            "Klaim Jaminan Hari Tua (JHT)",
            summary="Pencairan saldo Jaminan Hari Tua bagi peserta yang berhenti bekerja, mencapai usia pensiun, atau cacat total tetap.",
            category=Category.JAMINAN_SOSIAL, requirements=["Kartu peserta BPJS Ketenagakerjaan", "KTP-el", "Buku tabungan atas nama peserta", "Surat keterangan berhenti bekerja (paklaring) dari pemberi kerja", "NPWP bila saldo JHT lebih dari Rp 50.000.000"],
            procedure=["Peserta mengajukan klaim melalui MPP Digital atau loket.", "Petugas memverifikasi dokumen dan melakukan wawancara daring bila perlu.", "Saldo JHT ditransfer ke rekening peserta."],
            time_limit=5, fee=0, fee_note="Tidak dipungut biaya.", product="Pembayaran manfaat JHT ke rekening peserta", legal_basis=BPJS_TK_LAW,
            form=_online_form(("kartu", "Kartu peserta"), ("buku_tabungan", "Buku tabungan"), ("paklaring", "Surat keterangan berhenti bekerja")),
        )),
    ],
    "samsat-batam": [
        ("batam-pkb-tahunan", standard(
            "Pembayaran pajak kendaraan bermotor tahunan dan pengesahan STNK",
            summary="Pembayaran PKB dan SWDKLLJ setiap tahun serta pengesahan STNK tahunan.",
            category=Category.TRANSPORTASI, requirements=["KTP-el pemilik sesuai STNK", "STNK asli", "Surat kuasa bermeterai bila dikuasakan"],
            procedure=["Pemohon menyerahkan dokumen di loket Samsat atau membayar melalui aplikasi SIGNAL.", "Petugas menetapkan PKB dan SWDKLLJ.", "Pemohon membayar di kasir atau bank.", "STNK disahkan dan dikembalikan."],
            time_limit=1, unit=TimeLimitUnit.HOURS, fee=35000, fee_note="SWDKLLJ sepeda motor Rp 35.000 (mobil pribadi Rp 143.000), ditambah PKB sesuai nilai jual kendaraan dan tarif Perda Provinsi Kepulauan Riau.",
            product="STNK yang telah disahkan dan notice pajak", legal_basis=SAMSAT_LAW,
            form=[*applicant(), text("nomor_polisi", "Nomor polisi kendaraan", help_text="Contoh: BP 1234 XY.", section="Kendaraan"), upload("stnk", "STNK")],
        )),
        ("batam-balik-nama", standard(
            "Balik nama kendaraan bermotor (mutasi dalam provinsi)",
            summary="Pengalihan kepemilikan kendaraan bermotor bekas ke nama pemilik baru.",
            category=Category.TRANSPORTASI, channel=Channel.COUNTER, requirements=["KTP-el pemilik baru", "BPKB asli", "STNK asli", "Kuitansi jual beli bermeterai", "Hasil cek fisik kendaraan"],
            procedure=["Kendaraan menjalani cek fisik di Samsat.", "Pemohon menyerahkan berkas di loket.", "Petugas menetapkan biaya; pemohon membayar.", "STNK dan TNKB baru diterbitkan; BPKB diproses oleh Polda."],
            time_limit=14, fee=385000, fee_note="Sepeda motor: STNK Rp 100.000, TNKB Rp 60.000, BPKB Rp 225.000 (PP 76/2020); mobil lebih tinggi. BBNKB penyerahan kedua tidak dipungut (UU 1/2022).",
            product="STNK, TNKB, dan BPKB atas nama pemilik baru", legal_basis=SAMSAT_LAW,
        )),
    ],
    "atr-bpn-batam": [
        ("batam-pengecekan-sertifikat", standard(
            "Pengecekan sertifikat tanah",
            summary="Pemeriksaan kesesuaian sertifikat hak atas tanah dengan buku tanah di Kantor Pertanahan.",
            category=Category.PERTANAHAN, channel=Channel.COUNTER, requirements=["Formulir permohonan", "KTP-el pemohon atau kuasanya", "Sertifikat asli", "Surat kuasa bila dikuasakan"],
            procedure=COUNTER_STEPS, time_limit=1, fee=50000, fee_note="PNBP pengecekan sertifikat Rp 50.000 per sertifikat (PP 128/2015).",
            product="Sertifikat yang telah dicek (catatan pengecekan)", legal_basis=BPN_LAW,
        )),
        ("batam-roya", standard(
            "Roya (penghapusan hak tanggungan)",
            summary="Pencoretan hak tanggungan dari sertifikat setelah utang kepada bank lunas.",
            category=Category.PERTANAHAN, channel=Channel.COUNTER, requirements=["Formulir permohonan", "KTP-el pemohon", "Sertifikat hak atas tanah asli", "Sertifikat hak tanggungan asli", "Surat roya atau keterangan lunas dari bank"],
            procedure=COUNTER_STEPS, time_limit=5, fee=50000, fee_note="PNBP roya Rp 50.000 per hak tanggungan (PP 128/2015).",
            product="Sertifikat tanah tanpa catatan hak tanggungan", legal_basis=BPN_LAW,
        )),
        ("batam-peralihan-hak", standard(
            "Peralihan hak atas tanah karena jual beli",
            summary="Pendaftaran perpindahan hak atas tanah ke pembeli berdasarkan akta PPAT.",
            category=Category.PERTANAHAN, channel=Channel.COUNTER, requirements=["Akta jual beli dari PPAT", "Sertifikat asli", "KTP-el penjual dan pembeli", "Bukti pelunasan BPHTB dan PPh", "SPPT PBB tahun berjalan"],
            procedure=COUNTER_STEPS, time_limit=5, fee=50000, fee_note="PNBP pelayanan pendaftaran peralihan hak: (nilai tanah ÷ 1.000) + Rp 50.000 (PP 128/2015); angka ini adalah bagian tetapnya.",
            product="Sertifikat atas nama pemilik baru", legal_basis=BPN_LAW,
        )),
    ],
    "kpp-pratama-batam-selatan": [
        ("batam-npwp", standard(
            "Pendaftaran NPWP orang pribadi",
            summary="Pendaftaran Nomor Pokok Wajib Pajak bagi orang pribadi; bagi penduduk, NIK berfungsi sebagai NPWP.",
            category=Category.PAJAK, requirements=["KTP-el", "Surat keterangan usaha atau dokumen penghasilan bagi yang menjalankan usaha", "Alamat surel yang aktif"],
            procedure=["Pemohon mendaftar melalui MPP Digital, Coretax, atau loket KPP.", "Petugas memvalidasi NIK dan data.", "Kartu NPWP elektronik dikirim ke surel pemohon."],
            time_limit=1, fee=0, fee_note="Tidak dipungut biaya.", product="Kartu NPWP elektronik dan surat keterangan terdaftar", legal_basis=PAJAK_LAW,
            form=[*applicant(), choice("sumber", "Sumber penghasilan", [("pekerjaan", "Pekerjaan"), ("usaha", "Usaha atau pekerjaan bebas")], section="Penghasilan"),
                  upload("keterangan_usaha", "Surat keterangan usaha", visible_if={"field": "sumber", "value": "usaha"})],
        )),
        ("batam-konsultasi-pajak", standard(
            "Konsultasi perpajakan",
            summary="Konsultasi tatap muka tentang kewajiban perpajakan, pelaporan SPT, dan penggunaan Coretax.",
            category=Category.PAJAK, channel=Channel.COUNTER, requirements=["KTP-el atau NPWP", "Dokumen yang akan dikonsultasikan (bila ada)"],
            procedure=["Pemohon mengambil nomor antrean.", "Petugas konsultasi memberikan penjelasan.", "Pemohon menerima ringkasan konsultasi bila diminta."],
            time_limit=1, unit=TimeLimitUnit.HOURS, fee=0, fee_note="Tidak dipungut biaya.", product="Penjelasan perpajakan (lisan atau tertulis)", legal_basis=PAJAK_LAW,
        )),
        ("batam-efin", standard(
            "Aktivasi EFIN",
            summary="Electronic Filing Identification Number untuk masuk ke layanan pajak daring.",
            category=Category.PAJAK, channel=Channel.COUNTER, requirements=["KTP-el", "NPWP", "Alamat surel dan nomor ponsel yang aktif"],
            procedure=COUNTER_STEPS, time_limit=1, unit=TimeLimitUnit.HOURS, fee=0, fee_note="Tidak dipungut biaya.", product="EFIN aktif yang dikirim ke surel", legal_basis=PAJAK_LAW,
        )),
    ],
    "bp-batam-air": [
        ("batam-sambungan-air-baru", standard(
            "Pemasangan sambungan air bersih baru",
            summary="Permohonan sambungan air bersih SPAM Batam untuk rumah tangga.",
            category=Category.UTILITAS, requirements=["KTP-el pemohon", "Bukti kepemilikan atau sewa bangunan", "Denah lokasi", "Nomor telepon yang aktif"],
            procedure=["Pemohon mengajukan permohonan.", "Petugas melakukan survei lokasi paling lama 3 hari kerja.", "Pemohon membayar biaya sambungan.", "Petugas memasang pipa dan meter air."],
            time_limit=14, fee=1250000, fee_note="Biaya sambungan rumah tangga pipa ½ inci; dapat berbeda menurut jarak pipa distribusi (tarif BP Batam).",
            product="Sambungan air bersih dan meter air terpasang", legal_basis=["Peraturan Pemerintah Nomor 122 Tahun 2015 tentang Sistem Penyediaan Air Minum", "Peraturan Kepala BP Batam tentang Tarif Layanan Air Bersih"],
            form=[*applicant(), long_text("alamat_pemasangan", "Alamat pemasangan", section="Lokasi"), upload("bukti_bangunan", "Bukti kepemilikan atau sewa bangunan")],
        )),
        ("batam-balik-nama-air", standard(
            "Balik nama pelanggan air",
            summary="Perubahan nama pelanggan air bersih karena jual beli atau pewarisan bangunan.",
            category=Category.UTILITAS, requirements=["KTP-el pemilik baru", "Bukti kepemilikan bangunan", "Rekening air terakhir yang telah lunas"],
            procedure=["Pemohon mengajukan permohonan.", "Petugas memverifikasi dokumen dan tagihan.", "Data pelanggan diperbarui."],
            time_limit=3, fee=50000, fee_note="Biaya administrasi balik nama (tarif BP Batam).", product="Data pelanggan atas nama pemilik baru",
            legal_basis=["Peraturan Pemerintah Nomor 122 Tahun 2015 tentang Sistem Penyediaan Air Minum"],
            form=_online_form(("bukti_bangunan", "Bukti kepemilikan bangunan"), ("rekening_air", "Rekening air terakhir")),
        )),
    ],
    "pln-batam": [
        ("batam-pln-pasang-baru", standard(
            "Pasang baru listrik rumah tangga",
            summary="Penyambungan listrik baru untuk rumah tangga sampai dengan 5.500 VA.",
            category=Category.UTILITAS, requirements=["KTP-el", "Alamat lengkap dan titik lokasi", "Sertifikat Laik Operasi (SLO) instalasi dari lembaga inspeksi teknik"],
            procedure=["Pemohon mengajukan permohonan dan memilih daya.", "Pemohon membayar biaya penyambungan.", "Petugas memasang kWh meter."],
            time_limit=5, fee=1095900, fee_note="Biaya penyambungan daya 1.300 VA (Rp 843 per VA); belum termasuk SLO. Daya lain dihitung per VA.",
            product="Sambungan listrik dan kWh meter terpasang", legal_basis=["Undang-Undang Nomor 30 Tahun 2009 tentang Ketenagalistrikan", "Peraturan Menteri ESDM Nomor 28 Tahun 2016 tentang Tarif Tenaga Listrik"],
            form=[*applicant(), choice("daya", "Daya yang dimohon", [("900", "900 VA"), ("1300", "1.300 VA"), ("2200", "2.200 VA"), ("3500", "3.500 VA"), ("5500", "5.500 VA")], section="Sambungan"),
                  long_text("alamat", "Alamat pemasangan", section="Sambungan"), upload("slo", "Sertifikat Laik Operasi (SLO)")],
        )),
        ("batam-pln-tambah-daya", standard(
            "Tambah daya listrik",
            summary="Perubahan daya listrik pelanggan rumah tangga.",
            category=Category.UTILITAS, requirements=["KTP-el", "ID pelanggan", "SLO bila instalasi diubah"],
            procedure=["Pemohon mengajukan permohonan.", "Pemohon membayar biaya penyambungan selisih daya.", "Petugas mengganti atau mengatur kWh meter."],
            time_limit=5, fee=758700, fee_note="Contoh dari 1.300 VA ke 2.200 VA: 900 VA × Rp 843; dihitung dari selisih daya.",
            product="Daya listrik baru", legal_basis=["Undang-Undang Nomor 30 Tahun 2009 tentang Ketenagalistrikan"],
            form=[*applicant(), text("id_pelanggan", "ID pelanggan", section="Sambungan"), choice("daya", "Daya baru", [("2200", "2.200 VA"), ("3500", "3.500 VA"), ("5500", "5.500 VA")], section="Sambungan")],
        )),
    ],
    "bank-riau-kepri-batam": [
        ("batam-rekening-tabungan", standard(
            "Pembukaan rekening tabungan",
            summary="Pembukaan rekening tabungan syariah perorangan.",
            category=Category.PERBANKAN, channel=Channel.COUNTER, requirements=["KTP-el", "NPWP (bila ada)", "Setoran awal paling sedikit Rp 50.000"],
            procedure=["Nasabah mengisi formulir pembukaan rekening.", "Petugas memverifikasi identitas.", "Nasabah melakukan setoran awal.", "Buku tabungan dan kartu ATM diserahkan."],
            time_limit=1, unit=TimeLimitUnit.HOURS, fee=0, fee_note="Tidak ada biaya pembukaan; setoran awal menjadi saldo nasabah.",
            product="Buku tabungan dan kartu ATM", legal_basis=["Undang-Undang Nomor 21 Tahun 2008 tentang Perbankan Syariah", "Peraturan OJK Nomor 22 Tahun 2023 tentang Pelindungan Konsumen dan Masyarakat di Sektor Jasa Keuangan"],
        )),
        ("batam-bayar-pbb", standard(
            "Pembayaran Pajak Bumi dan Bangunan (PBB-P2)",
            summary="Pembayaran PBB perdesaan dan perkotaan Kota Batam di loket bank.",
            category=Category.PAJAK, channel=Channel.COUNTER, requirements=["SPPT PBB tahun berjalan atau Nomor Objek Pajak (NOP)"],
            procedure=["Wajib pajak menyebutkan NOP.", "Petugas menampilkan tagihan.", "Wajib pajak membayar.", "Bukti pembayaran dicetak."],
            time_limit=1, unit=TimeLimitUnit.HOURS, fee=0, fee_note="Tanpa biaya layanan; besaran PBB sesuai SPPT.",
            product="Surat Tanda Terima Setoran (STTS) PBB", legal_basis=["Undang-Undang Nomor 1 Tahun 2022 tentang Hubungan Keuangan antara Pemerintah Pusat dan Pemerintahan Daerah", "Peraturan Daerah Kota Batam tentang Pajak Daerah dan Retribusi Daerah"],
        )),
    ],
    "dpmptsp-batam": [
        ("batam-nib", standard(
            "Pendampingan penerbitan Nomor Induk Berusaha (NIB)",
            summary="Pendampingan pelaku usaha mikro dan kecil untuk memperoleh NIB melalui OSS berbasis risiko.",
            category=Category.PERIZINAN_USAHA, requirements=["KTP-el", "Alamat surel dan nomor ponsel yang aktif", "Alamat lokasi usaha", "Uraian kegiatan usaha"],
            procedure=["Pemohon mengajukan permohonan pendampingan.", "Petugas membantu membuat akun OSS dan mengisi data usaha.", "NIB terbit dari sistem OSS."],
            time_limit=1, fee=0, fee_note="Tidak dipungut biaya.", product="Nomor Induk Berusaha (NIB)",
            legal_basis=["Peraturan Pemerintah Nomor 28 Tahun 2025 tentang Penyelenggaraan Perizinan Berusaha Berbasis Risiko"],
            form=[*applicant(), text("nama_usaha", "Nama usaha", section="Usaha"), long_text("kegiatan", "Uraian kegiatan usaha", section="Usaha")],
        )),
        ("batam-sppirt", standard(
            "Sertifikat Produksi Pangan Industri Rumah Tangga (SPP-IRT)",
            summary="Izin produksi pangan olahan rumah tangga dengan risiko rendah.",
            category=Category.PERIZINAN_USAHA, requirements=["NIB", "Sertifikat penyuluhan keamanan pangan", "Label produk", "Hasil pemeriksaan sarana produksi"],
            procedure=["Pemohon mengajukan melalui OSS atau MPP Digital.", "Dinas Kesehatan memeriksa sarana produksi.", "SPP-IRT diterbitkan."],
            time_limit=14, fee=0, fee_note="Tidak dipungut biaya.", product="Sertifikat Produksi Pangan Industri Rumah Tangga (SPP-IRT)",
            legal_basis=["Peraturan Badan POM Nomor 22 Tahun 2018 tentang Pedoman Pemberian SPP-IRT"],
            form=_online_form(("nib", "NIB"), ("sertifikat_penyuluhan", "Sertifikat penyuluhan keamanan pangan"), ("label", "Rancangan label produk")),
        )),
    ],
}  # fmt: skip

# Templates adopted at the Batam MPP: agency slug → template slugs.
BATAM_ADOPTIONS = {
    "disdukcapil-batam": list(ADMINDUK_TEMPLATES),
    "dinkes-batam": list(SIP_TEMPLATES),
}
YOGYAKARTA_ADOPTIONS = {
    "disdukcapil-yogyakarta": [
        "templat-akta-kelahiran",
        "templat-ktp-el-hilang",
        "templat-kk-baru",
    ],
    "dinkes-yogyakarta": ["templat-sip-dokter", "templat-sip-bidan"],
}
