"""Reference tables of the postal-address detector: street suffixes (USPS Publication 28 and the
forms British and Canadian addresses use), unit designators, US states, Canadian provinces and
UK postcode areas. Data a reader checks line by line, kept apart from the matching code.
"""

from __future__ import annotations

from typing import Final

# Suffixes that end a street name in nearly every use: a street line with one of these needs no
# postcode after it to be an address ("I live at 742 Evergreen Terrace").
STRONG_SUFFIXES: Final = (
    "Street", "St", "Avenue", "Ave", "Av", "Road", "Rd", "Boulevard", "Blvd", "Lane", "Ln", "Drive",
    "Dr", "Court", "Ct", "Place", "Pl", "Terrace", "Ter", "Terr", "Crescent", "Cres", "Close", "Cl",
    "Mews", "Parkway", "Pkwy", "Highway", "Hwy", "Square", "Sq", "Circle", "Cir", "Trail", "Trl",
    "Grove", "Gardens", "Gdns", "Way", "Wy", "Row", "Walk", "Hill", "Rise", "Parade", "Pde",
    "Esplanade", "Embankment", "Broadway", "Expressway", "Expy", "Freeway", "Fwy", "Turnpike", "Tpke",
    "Pike", "Alley", "Aly", "Wynd", "Gate", "Green", "Chase", "Croft", "Fold", "Garth", "Yard",
    "Quay", "Wharf", "Causeway", "Cswy", "Plaza", "Plz", "Loop", "Path", "Pass", "Run", "View",
    "Vw", "Heights", "Hts", "Park", "Pk", "Centre", "Center", "Ctr", "Estate", "Village", "Vlg",
    "Boul", "Rue", "Chemin", "Côte", "Montée", "Rang",
)  # fmt: skip
# The rest of USPS Publication 28's suffixes (and their abbreviations): names of streets too, but
# also ordinary words ("3 Key Points", "10 Ways"), so they count only in a line followed by a
# city and a postal code.
OTHER_SUFFIXES: Final = (
    "Allee", "Anex", "Annex", "Anx", "Arcade", "Arc", "Bayou", "Byu", "Beach", "Bch", "Bend", "Bnd",
    "Bluff", "Blf", "Bluffs", "Blfs", "Bottom", "Btm", "Branch", "Br", "Bridge", "Brg", "Brook",
    "Brk", "Brooks", "Brks", "Burg", "Bg", "Burgs", "Bgs", "Bypass", "Byp", "Camp", "Cp", "Canyon",
    "Cyn", "Cape", "Cpe", "Centers", "Ctrs", "Circles", "Cirs", "Cliff", "Clf", "Cliffs", "Clfs",
    "Club", "Clb", "Common", "Cmn", "Commons", "Cmns", "Corner", "Cor", "Corners", "Cors", "Course",
    "Crse", "Courts", "Cts", "Cove", "Cv", "Coves", "Cvs", "Creek", "Crk", "Crest", "Crst",
    "Crossing", "Xing", "Crossroad", "Xrd", "Crossroads", "Xrds", "Curve", "Curv", "Dale", "Dl",
    "Dam", "Dm", "Divide", "Dv", "Drives", "Drs", "Estates", "Ests", "Extension", "Ext",
    "Extensions", "Exts", "Fall", "Falls", "Fls", "Ferry", "Fry", "Field", "Fld", "Fields", "Flds",
    "Flat", "Flt", "Flats", "Flts", "Ford", "Frd", "Fords", "Frds", "Forest", "Frst", "Forge",
    "Frg", "Forges", "Frgs", "Fork", "Frk", "Forks", "Frks", "Fort", "Ft", "Garden", "Gdn",
    "Gateway", "Gtwy", "Glen", "Gln", "Glens", "Glns", "Greens", "Grns", "Groves", "Grvs",
    "Harbor", "Hbr", "Harbors", "Hbrs", "Harbour", "Haven", "Hvn", "Hills", "Hls", "Hollow", "Holw",
    "Inlet", "Inlt", "Island", "Is", "Islands", "Iss", "Isle", "Junction", "Jct", "Junctions",
    "Jcts", "Key", "Ky", "Keys", "Kys", "Knoll", "Knl", "Knolls", "Knls", "Lake", "Lk", "Lakes",
    "Lks", "Land", "Landing", "Lndg", "Light", "Lgt", "Lights", "Lgts", "Loaf", "Lf", "Lock", "Lck",
    "Locks", "Lcks", "Lodge", "Ldg", "Mall", "Manor", "Mnr", "Manors", "Mnrs", "Meadow", "Mdw",
    "Meadows", "Mdws", "Mill", "Ml", "Mills", "Mls", "Mission", "Msn", "Motorway", "Mtwy", "Mount",
    "Mt", "Mountain", "Mtn", "Mountains", "Mtns", "Neck", "Nck", "Orchard", "Orch", "Oval", "Ovl",
    "Overpass", "Opas", "Parks", "Parkways", "Passage", "Psge", "Paths", "Pikes", "Pine", "Pne",
    "Pines", "Pnes", "Plain", "Pln", "Plains", "Plns", "Point", "Pt", "Points", "Pts", "Port",
    "Prt", "Ports", "Prts", "Prairie", "Pr", "Radial", "Radl", "Ramp", "Ranch", "Rnch", "Rapid",
    "Rpd", "Rapids", "Rpds", "Rest", "Rst", "Ridge", "Rdg", "Ridges", "Rdgs", "River", "Riv",
    "Roads", "Rds", "Route", "Rte", "Shoal", "Shl", "Shoals", "Shls", "Shore", "Shr", "Shores",
    "Shrs", "Skyway", "Skwy", "Spring", "Spg", "Springs", "Spgs", "Spur", "Spurs", "Squares", "Sqs",
    "Station", "Sta", "Stravenue", "Stra", "Stream", "Strm", "Streets", "Sts", "Summit", "Smt",
    "Throughway", "Trwy", "Trace", "Trce", "Track", "Trak", "Trafficway", "Trfy", "Tunnel", "Tunl",
    "Underpass", "Upas", "Union", "Un", "Unions", "Uns", "Valley", "Vly", "Valleys", "Vlys",
    "Viaduct", "Via", "Views", "Vws", "Villages", "Vlgs", "Ville", "Vl", "Vista", "Vis", "Walks",
    "Wall", "Ways", "Well", "Wl", "Wells", "Wls", "Laneway", "Alleyway", "Strand", "Artery",
    "Upper", "Brae", "Drove", "Ings", "Leys", "Nook", "End", "Side", "Bank", "Vale",
)  # fmt: skip
DIRECTIONS: Final = ("N", "S", "E", "W", "NE", "NW", "SE", "SW", "North", "South", "East", "West")
# Unit designators: "Apt 4B", "Suite 210", "Flat 3", "Unit 7", "# 12".
UNITS: Final = (
    "Apartment", "Apt", "Suite", "Ste", "Unit", "Flat", "Studio", "Room", "Rm", "Floor", "Fl",
    "Building", "Bldg", "Lot", "Space", "Spc", "Trailer", "Trlr", "Dept", "Department", "Box",
    "Apto", "Appt", "Bureau", "Piso",
)  # fmt: skip

# Names written with a lower-case word ("District of Columbia", "Newfoundland and Labrador")
# appear by their code only: the stream guard may cut between two ordinary lower-case words.
US_STATES: Final = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "DC",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana",
    "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri",
    "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio",
    "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
    "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico", "VI": "Virgin Islands", "GU": "Guam",
    "AS": "American Samoa", "MP": "Northern Mariana Islands", "FM": "Micronesia",
    "MH": "Marshall Islands", "PW": "Palau", "AA": "Armed Forces Americas", "AE": "Armed Forces Europe",
    "AP": "Armed Forces Pacific",
}  # fmt: skip
CA_PROVINCES: Final = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland", "NS": "Nova Scotia", "NT": "Northwest Territories",
    "NU": "Nunavut", "ON": "Ontario", "PE": "Prince Edward Island", "QC": "Quebec",
    "SK": "Saskatchewan", "YT": "Yukon", "PQ": "Québec", "NF": "Newfoundland",
}  # fmt: skip
# Royal Mail postcode areas (the letters of the outward code): a postcode-shaped token outside
# these ("XY1 2AB") is not a postcode.
UK_AREAS: Final = frozenset(
    """AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E
    EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL
    LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM
    SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE""".split()  # noqa: SIM905  (a table is easier to check as text)
)
