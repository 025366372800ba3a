"""Build 13F documents in code, shaped exactly like EDGAR's, so each test says what differs."""

from __future__ import annotations

from dataclasses import dataclass

NS_TABLE = "http://www.sec.gov/edgar/document/thirteenf/informationtable"
NS_COVER = "http://www.sec.gov/edgar/thirteenffiler"


@dataclass
class Row:
    cusip: str = "21873S108"
    issuer: str = "COREWEAVE INC"
    title: str = "COM CL A"
    value: str | int = 1000
    shares: str | int = 10
    share_type: str = "SH"
    put_call: str | None = None
    discretion: str = "SOLE"
    other_manager: str | None = None
    sole: int = 0
    shared: int = 0
    none: int = 0


def info_table(rows: list[Row], prefix: str | None = "ns1", *, default_ns: bool = False) -> str:
    """An information table; `prefix` None with default_ns False means no namespace at all."""
    p = f"{prefix}:" if prefix else ""
    if prefix:
        decl = f' xmlns:{prefix}="{NS_TABLE}"'
    elif default_ns:
        decl = f' xmlns="{NS_TABLE}"'
    else:
        decl = ""
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f"<{p}informationTable{decl}>",
    ]
    for r in rows:
        out.append(f"  <{p}infoTable>")
        out.append(f"    <{p}nameOfIssuer>{r.issuer}</{p}nameOfIssuer>")
        out.append(f"    <{p}titleOfClass>{r.title}</{p}titleOfClass>")
        out.append(f"    <{p}cusip>{r.cusip}</{p}cusip>")
        out.append(f"    <{p}value>{r.value}</{p}value>")
        out.append(f"    <{p}shrsOrPrnAmt><{p}sshPrnamt>{r.shares}</{p}sshPrnamt>"
                   f"<{p}sshPrnamtType>{r.share_type}</{p}sshPrnamtType></{p}shrsOrPrnAmt>")
        if r.put_call:
            out.append(f"    <{p}putCall>{r.put_call}</{p}putCall>")
        out.append(f"    <{p}investmentDiscretion>{r.discretion}</{p}investmentDiscretion>")
        if r.other_manager:
            out.append(f"    <{p}otherManager>{r.other_manager}</{p}otherManager>")
        out.append(f"    <{p}votingAuthority><{p}Sole>{r.sole}</{p}Sole><{p}Shared>{r.shared}"
                   f"</{p}Shared><{p}None>{r.none}</{p}None></{p}votingAuthority>")
        out.append(f"  </{p}infoTable>")
    out.append(f"</{p}informationTable>")
    return "\n".join(out) + "\n"


def cover_page(
    *,
    form: str = "13F-HR",
    cik: str = "0000999999",
    name: str = "TEST CAPITAL LLC",
    period: str = "06-30-2025",
    signed: str = "08-14-2025",
    entries: int | None = None,
    total: int | None = None,
    amendment: str | None = None,
    report_type: str = "13F HOLDINGS REPORT",
) -> str:
    amend = ""
    if form.endswith("/A"):
        amend = "<isAmendment>true</isAmendment><amendmentNo>1</amendmentNo>"
        if amendment:
            amend += f"<amendmentInfo><amendmentType>{amendment}</amendmentType></amendmentInfo>"
    summary = ""
    if entries is not None or total is not None:
        summary = (
            "<summaryPage><otherIncludedManagersCount>0</otherIncludedManagersCount>"
            + (f"<tableEntryTotal>{entries}</tableEntryTotal>" if entries is not None else "")
            + (f"<tableValueTotal>{total}</tableValueTotal>" if total is not None else "")
            + "<isConfidentialOmitted>false</isConfidentialOmitted></summaryPage>"
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<edgarSubmission xmlns="{NS_COVER}" xmlns:com="http://www.sec.gov/edgar/common">
  <schemaVersion>X0202</schemaVersion>
  <headerData>
    <submissionType>{form}</submissionType>
    <filerInfo>
      <liveTestFlag>LIVE</liveTestFlag>
      <filer><credentials><cik>{cik}</cik><ccc>XXXXXXXX</ccc></credentials></filer>
      <periodOfReport>{period}</periodOfReport>
    </filerInfo>
  </headerData>
  <formData>
    <coverPage>
      <reportCalendarOrQuarter>{period}</reportCalendarOrQuarter>{amend}
      <filingManager><name>{name}</name><address><com:street1>1 MAIN ST</com:street1>
        <com:city>NEW YORK</com:city><com:stateOrCountry>NY</com:stateOrCountry>
        <com:zipCode>10001</com:zipCode></address></filingManager>
      <reportType>{report_type}</reportType>
    </coverPage>
    <signatureBlock><name>J DOE</name><title>CCO</title><phone>555</phone>
      <signature>J DOE</signature><city>NY</city><stateOrCountry>NY</stateOrCountry>
      <signatureDate>{signed}</signatureDate></signatureBlock>
    {summary}
  </formData>
</edgarSubmission>
"""


def submission(
    accession: str,
    cover: str,
    table: str | None,
    *,
    form: str = "13F-HR",
    period: str = "20250630",
    filed: str = "20250814",
    cik: str = "0000999999",
    name: str = "TEST CAPITAL LLC",
) -> str:
    """An EDGAR full submission text file holding the cover page and the table."""
    docs = f"""<DOCUMENT>
<TYPE>{form}
<SEQUENCE>1
<FILENAME>primary_doc.xml
<TEXT>
<XML>
{cover}</XML>
</TEXT>
</DOCUMENT>
"""
    if table is not None:
        docs += f"""<DOCUMENT>
<TYPE>INFORMATION TABLE
<SEQUENCE>2
<FILENAME>infotable.xml
<TEXT>
<XML>
{table}</XML>
</TEXT>
</DOCUMENT>
"""
    return f"""<SEC-DOCUMENT>{accession}.txt : {filed}
<SEC-HEADER>{accession}.hdr.sgml : {filed}
<ACCEPTANCE-DATETIME>{filed}093854
ACCESSION NUMBER:\t\t{accession}
CONFORMED SUBMISSION TYPE:\t{form}
PUBLIC DOCUMENT COUNT:\t\t2
CONFORMED PERIOD OF REPORT:\t{period}
FILED AS OF DATE:\t\t{filed}

FILER:

\tCOMPANY DATA:\t
\t\tCOMPANY CONFORMED NAME:\t\t\t{name}
\t\tCENTRAL INDEX KEY:\t\t\t{cik}
</SEC-HEADER>
{docs}</SEC-DOCUMENT>
"""
