// laud.hpp — the PEGTL 3.2 grammar of the journey language (LANGUAGE.md §2, §4–§7).
// Header-only and action-free: compiler/parser.cc attaches actions to the rules it needs.
// Conventions: whitespace and comments are skipped BEFORE each token (`tok<>`), so a rule's
// match ends exactly at its last token; `if_must<>` commits after a construct's keyword.
#pragma once

#include <string>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

namespace laud::grammar {

using namespace tao::pegtl;

// ---------------------------------------------------------------- lexical

struct line_comment : seq<two<'/'>, until<eolf>> {};
struct block_comment_body : until<string<'*', '/'>> {};
struct block_comment : if_must<string<'/', '*'>, block_comment_body> {};
struct sp : star<sor<plus<space>, line_comment, block_comment>> {};

template <typename R>
struct tok : seq<sp, R> {};
template <char C>
struct punct : seq<sp, one<C>> {};

struct ident_first : ranges<'a', 'z', 'A', 'Z', '_'> {};
struct ident_other : ranges<'a', 'z', 'A', 'Z', '0', '9', '_'> {};
struct identifier : seq<ident_first, star<ident_other>> {};

template <typename S>
struct word : seq<S, not_at<ident_other>> {};

#define LAUD_KEYWORD(name) \
  struct kw_##name##_word : word<TAO_PEGTL_STRING(#name)> {}; \
  struct kw_##name : seq<sp, kw_##name##_word> {};

LAUD_KEYWORD(const) LAUD_KEYWORD(segment) LAUD_KEYWORD(policy) LAUD_KEYWORD(journey)
LAUD_KEYWORD(on) LAUD_KEYWORD(enter) LAUD_KEYWORD(schedule) LAUD_KEYWORD(at) LAUD_KEYWORD(every)
LAUD_KEYWORD(starting) LAUD_KEYWORD(audience) LAUD_KEYWORD(reentry) LAUD_KEYWORD(never)
LAUD_KEYWORD(always) LAUD_KEYWORD(after) LAUD_KEYWORD(key) LAUD_KEYWORD(exit) LAUD_KEYWORD(when)
LAUD_KEYWORD(limit) LAUD_KEYWORD(per) LAUD_KEYWORD(quiet) LAUD_KEYWORD(in) LAUD_KEYWORD(or)
LAUD_KEYWORD(skip) LAUD_KEYWORD(goal) LAUD_KEYWORD(within) LAUD_KEYWORD(send) LAUD_KEYWORD(to)
LAUD_KEYWORD(with) LAUD_KEYWORD(wait) LAUD_KEYWORD(until) LAUD_KEYWORD(up) LAUD_KEYWORD(timeout)
LAUD_KEYWORD(if) LAUD_KEYWORD(else) LAUD_KEYWORD(split) LAUD_KEYWORD(variant) LAUD_KEYWORD(control)
LAUD_KEYWORD(let) LAUD_KEYWORD(set) LAUD_KEYWORD(goto) LAUD_KEYWORD(and) LAUD_KEYWORD(not)
LAUD_KEYWORD(contains) LAUD_KEYWORD(starts_with) LAUD_KEYWORD(ends_with) LAUD_KEYWORD(matches)
LAUD_KEYWORD(true) LAUD_KEYWORD(false) LAUD_KEYWORD(null) LAUD_KEYWORD(where) LAUD_KEYWORD(cap)
LAUD_KEYWORD(customer) LAUD_KEYWORD(event) LAUD_KEYWORD(trigger) LAUD_KEYWORD(now)
#undef LAUD_KEYWORD

// The reserved words of LANGUAGE.md §2: not usable as names of consts, segments, journeys,
// labels, locals, splits or variants.
struct reserved
    : sor<kw_const_word, kw_segment_word, kw_policy_word, kw_journey_word, kw_on_word,
          kw_enter_word, kw_schedule_word, kw_at_word, kw_every_word, kw_starting_word,
          kw_audience_word, kw_reentry_word, kw_never_word, kw_always_word, kw_after_word,
          kw_key_word, kw_exit_word, kw_when_word, kw_limit_word, kw_per_word, kw_quiet_word,
          kw_in_word, kw_or_word, kw_skip_word, kw_goal_word, kw_within_word, kw_send_word,
          kw_to_word, kw_with_word, kw_wait_word, kw_until_word, kw_up_word, kw_timeout_word,
          kw_if_word, kw_else_word, kw_split_word, kw_variant_word, kw_control_word, kw_let_word,
          kw_set_word, kw_goto_word, kw_and_word, kw_not_word, kw_contains_word,
          kw_starts_with_word, kw_ends_with_word, kw_matches_word, kw_true_word, kw_false_word,
          kw_null_word, kw_where_word, kw_cap_word, kw_customer_word, kw_event_word,
          kw_trigger_word, kw_now_word> {};

// A name being declared (const, segment, journey, label, local, split, variant): a reserved
// word here is an error of its own (the parser's control reports it).
struct reserved_name : seq<reserved> {};
struct decl_name_word : identifier {};
struct reserved_word;  // defined below, after is_reserved_word
struct decl_name : seq<sp, sor<seq<at<reserved_word>, tao::pegtl::raise<reserved_name>>, decl_name_word>> {};
// True when [p, p+n) is a reserved word (the words of `reserved` above, which grammar analysis and
// the declaration-name check use). Identifiers are checked on every use, so this is a switch on the
// length and the first letter rather than 56 string compares.
inline bool is_reserved_word(const char* p, std::size_t n) noexcept {
  auto is = [&](const char* w) { return std::char_traits<char>::compare(w, p, n) == 0; };
  switch (n) {
    case 2: return is("on") || is("at") || is("in") || is("or") || is("to") || is("up") || is("if");
    case 3: return is("key") || is("per") || is("let") || is("set") || is("and") || is("not") || is("cap") ||
                   is("now");
    case 4: return is("exit") || is("when") || is("skip") || is("goal") || is("send") || is("with") ||
                   is("wait") || is("else") || is("goto") || is("true") || is("null");
    case 5: return is("const") || is("enter") || is("every") || is("never") || is("after") || is("limit") ||
                   is("quiet") || is("until") || is("split") || is("false") || is("where") || is("event");
    case 6: return is("policy") || is("always") || is("within");
    case 7: return is("segment") || is("journey") || is("reentry") || is("timeout") || is("variant") ||
                   is("control") || is("matches") || is("trigger");
    case 8: return is("schedule") || is("starting") || is("audience") || is("contains") || is("customer");
    case 9: return is("ends_with");
    case 11: return is("starts_with");
    default: return false;
  }
}

// Matches an identifier for which Reserved == is_reserved_word(identifier).
template <bool Reserved>
struct identifier_if {
  using rule_t = identifier_if;
  using subs_t = type_list<>;
  template <apply_mode, rewind_mode, template <typename...> class, template <typename...> class,
            typename ParseInput, typename... States>
  static bool match(ParseInput& in, States&&...) {
    const char* b = in.current();
    const char* e = in.end();
    auto first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    auto other = [&](char c) { return first(c) || (c >= '0' && c <= '9'); };
    if (b == e || !first(*b)) return false;
    const char* p = b + 1;
    while (p < e && other(*p)) ++p;
    if (is_reserved_word(b, static_cast<std::size_t>(p - b)) != Reserved) return false;
    in.bump_in_this_line(static_cast<std::size_t>(p - b));
    return true;
  }
};
struct reserved_word : identifier_if<true> {};
// A name used in an expression or a `goto`: an identifier that is not a reserved word.
struct name_word : identifier_if<false> {};

// ---------------------------------------------------------------- literals

struct digits : seq<digit, star<sor<digit, seq<one<'_'>, digit>>>> {};
struct exponent : seq<one<'e', 'E'>, opt<one<'+', '-'>>, plus<digit>> {};
struct float_literal : seq<digits, one<'.'>, plus<digit>, opt<exponent>> {};
// A number followed by letters: an integer (`42`, `1_000`) or a duration (`1d12h`); the
// parser classifies and validates the word so that `30m1h` gets a precise message.
struct number_word : seq<digit, star<ident_other>> {};
struct time_of_day : seq<plus<digit>, one<':'>, plus<digit>> {};
struct timestamp_literal : seq<one<'@'>, star<sor<alnum, one<':', '.', '+', '-'>>>> {};
struct percent_literal : seq<plus<digit>, opt<one<'.'>, plus<digit>>, one<'%'>> {};

struct escape : seq<one<'\\'>, not_one<'\n', '\r'>> {};
struct string_char : sor<escape, not_one<'\n', '\r'>> {};
struct string_body : until<one<'"'>, string_char> {};
struct string_literal : if_must<one<'"'>, string_body> {};
struct regex_body : until<one<'"'>, not_one<'\n', '\r'>> {};
struct regex_literal : if_must<seq<one<'r'>, one<'"'>>, regex_body> {};

// ---------------------------------------------------------------- expressions

struct expr;
struct coalesce_expr;

struct null_literal : kw_null_word {};
struct true_literal : kw_true_word {};
struct false_literal : kw_false_word {};

struct root_customer : kw_customer_word {};
struct root_event : kw_event_word {};
struct root_trigger : kw_trigger_word {};
struct root_now : kw_now_word {};

struct paren_open : one<'('> {};
struct paren_expr : if_must<paren_open, expr, punct<')'>> {};

struct list_open : one<'['> {};
struct list_items : opt<expr, star<punct<','>, expr>, opt<punct<','>>> {};
struct list_literal : if_must<list_open, list_items, punct<']'>> {};

// Event names: an identifier or a string (`purchase`, `"Order Completed"`).
struct event_string : if_must<one<'"'>, string_body> {};
struct event_name : seq<sp, sor<event_string, name_word>> {};

struct agg_count : word<TAO_PEGTL_STRING("count")> {};
struct agg_sum : word<TAO_PEGTL_STRING("sum")> {};
struct agg_min : word<TAO_PEGTL_STRING("min")> {};
struct agg_max : word<TAO_PEGTL_STRING("max")> {};
struct agg_avg : word<TAO_PEGTL_STRING("avg")> {};
struct agg_last : word<TAO_PEGTL_STRING("last")> {};
struct agg_func : sor<agg_count, agg_sum, agg_min, agg_max, agg_avg, agg_last> {};
struct agg_head : seq<agg_func, sp, one<'('>> {};
struct agg_event : event_name {};
struct field_word : seq<opt<one<'$'>>, identifier> {};
struct agg_property : seq<one<'.'>, field_word> {};
struct agg_where : if_must<kw_where, expr> {};
struct agg_within : if_must<kw_within, expr> {};
struct aggregate : if_must<agg_head, agg_event, star<agg_property>, opt<agg_where>, opt<agg_within>,
                           punct<')'>> {};

struct call_head : seq<name_word, sp, one<'('>> {};
struct call_args : opt<expr, star<punct<','>, expr>> {};
struct call : if_must<call_head, call_args, punct<')'>> {};

struct name_ref : name_word {};

struct primary
    : sor<paren_expr, list_literal, string_literal, regex_literal, float_literal, number_word,
          timestamp_literal, null_literal, true_literal, false_literal, root_customer, root_event,
          root_trigger, root_now, aggregate, call, name_ref> {};

struct member_field : field_word {};
struct member : if_must<seq<sp, one<'.'>>, sp, member_field> {};
struct index_open : seq<sp, one<'['>> {};
struct index : if_must<index_open, expr, punct<']'>> {};
struct postfix_expr : seq<sp, primary, star<sor<member, index>>> {};

struct unary_expr;
struct neg_op : seq<sp, one<'-'>> {};
struct neg_apply : if_must<neg_op, unary_expr> {};
struct unary_expr : sor<neg_apply, postfix_expr> {};

struct op_mul : one<'*'> {};
struct op_div : one<'/'> {};
struct op_mod : one<'%'> {};
struct mul_op : seq<sp, sor<op_mul, op_div, op_mod>> {};
struct mul_tail : if_must<mul_op, unary_expr> {};
struct mul_expr : seq<unary_expr, star<mul_tail>> {};

struct op_add : one<'+'> {};
struct op_sub : one<'-'> {};
struct add_op : seq<sp, sor<op_add, op_sub>> {};
struct add_tail : if_must<add_op, mul_expr> {};
struct add_expr : seq<mul_expr, star<add_tail>> {};

struct op_coalesce : two<'?'> {};
struct coalesce_tail : if_must<seq<sp, op_coalesce>, add_expr> {};
struct coalesce_expr : seq<add_expr, star<coalesce_tail>> {};

struct op_eq : two<'='> {};
struct op_ne : string<'!', '='> {};
struct op_le : string<'<', '='> {};
struct op_ge : string<'>', '='> {};
struct op_lt : one<'<'> {};
struct op_gt : one<'>'> {};
struct op_in : kw_in_word {};
struct op_contains : kw_contains_word {};
struct op_starts_with : kw_starts_with_word {};
struct op_ends_with : kw_ends_with_word {};
struct op_matches : kw_matches_word {};
struct cmp_op : seq<sp, sor<op_eq, op_ne, op_le, op_ge, op_lt, op_gt, op_in, op_contains,
                            op_starts_with, op_ends_with, op_matches>> {};
struct comparison_chain : cmp_op {};  // `a < b < c`: comparisons are non-associative
struct cmp_tail : if_must<cmp_op, coalesce_expr> {};
struct cmp_expr : seq<coalesce_expr, opt<cmp_tail, opt<at<cmp_op>, tao::pegtl::raise<comparison_chain>>>> {};

struct not_expr;
struct not_apply : if_must<kw_not, not_expr> {};
struct not_expr : sor<not_apply, cmp_expr> {};

struct and_tail : if_must<kw_and, not_expr> {};
struct and_expr : seq<not_expr, star<and_tail>> {};
struct or_tail : if_must<kw_or, and_expr> {};
struct or_expr : seq<and_expr, star<or_tail>> {};
struct expr : or_expr {};

// A time-zone expression after `in`: no `or`/`and`/comparisons, so `... in TZ or skip` works.
struct tz_expr : coalesce_expr {};

// ---------------------------------------------------------------- steps

struct statement;
// A `{ STEPS }` block; each use site derives its own rule from it so actions know its role.
struct block_open : seq<sp, one<'{'>> {};
struct block_close : seq<sp, one<'}'>> {};
struct block_items : star<statement> {};
struct block : if_must<block_open, block_items, block_close> {};

struct label_name : identifier {};
struct label_def : seq<sp, label_name, one<':'>, not_at<one<':'>>> {};  // `name:` (no space before `:`)

struct channel_name : seq<sp, identifier> {};
struct template_string : if_must<one<'"'>, string_body> {};
struct template_name : seq<sp, template_string> {};
struct send_to : if_must<kw_to, expr> {};
struct key_string : if_must<one<'"'>, string_body> {};
struct with_key : seq<sp, sor<key_string, identifier>> {};
struct with_entry : if_must<with_key, punct<':'>, expr> {};
struct with_entries : opt<with_entry, star<punct<','>, with_entry>, opt<punct<','>>> {};
struct send_with : if_must<kw_with, punct<'{'>, with_entries, punct<'}'>> {};
struct send_open : kw_send {};
struct send_step : if_must<send_open, channel_name, template_name, opt<send_to>, opt<send_with>> {};

struct day_word : identifier {};
struct day_range : seq<sp, day_word, opt<sp, string<'.', '.'>, sp, day_word>> {};
struct day_known : seq<sor<TAO_PEGTL_STRING("mon"), TAO_PEGTL_STRING("tue"), TAO_PEGTL_STRING("wed"),
                       TAO_PEGTL_STRING("thu"), TAO_PEGTL_STRING("fri"), TAO_PEGTL_STRING("sat"),
                       TAO_PEGTL_STRING("sun")>, not_at<ident_other>> {};
// `on` starts a days clause only before a day name, so a following `on E` setting is not eaten.
// A word followed by `..`, `,` or `in` is meant as a day too (`on monday in tz`): it gets "unknown day".
struct days_open : seq<kw_on, at<sp, sor<day_known, seq<identifier, sp, sor<string<'.', '.'>, one<','>, kw_in_word>>>>> {};
struct days_clause : if_must<days_open, day_range, star<punct<','>, day_range>> {};
struct wait_tz : if_must<kw_in, tz_expr> {};
struct wait_tod : seq<sp, time_of_day> {};
struct wait_until_local : seq<wait_tod, opt<days_clause>, opt<wait_tz>> {};
struct wait_until_time : expr {};
struct until_kind : sor<wait_until_local, wait_until_time> {};
struct wait_until : if_must<kw_until, until_kind> {};

struct branch_where : if_must<kw_where, expr> {};
struct branch_open : kw_on {};
struct branch_event : event_name {};
struct branch_block : block {};
struct on_branch : if_must<branch_open, branch_event, opt<branch_where>, branch_block> {};
struct timeout_block : block {};
struct timeout_branch : if_must<kw_timeout, timeout_block> {};
struct up_to_head : seq<kw_up, kw_to> {};
struct up_to_duration : expr {};
struct wait_up_to : if_must<up_to_head, up_to_duration, punct<'{'>, star<on_branch>,
                            opt<timeout_branch>, punct<'}'>> {};
struct wait_duration : expr {};
struct wait_open : kw_wait {};
struct wait_kind : sor<wait_up_to, wait_until, wait_duration> {};
struct wait_step : if_must<wait_open, wait_kind> {};

struct if_cond : expr {};
struct then_block : block {};
struct else_if : seq<kw_else, kw_if, must<if_cond, then_block>> {};
struct else_block : block {};
struct else_arm : if_must<kw_else, else_block> {};
struct if_open : kw_if {};
struct if_step : if_must<if_open, if_cond, then_block, star<else_if>, opt<else_arm>> {};

struct percent : seq<sp, percent_literal> {};
struct variant_name : decl_name {};
struct variant_percent : percent {};
struct variant_block : block {};
struct variant_arm : if_must<kw_variant, variant_name, variant_percent, variant_block> {};
struct control_percent : percent {};
struct control_block : block {};  // an error: `control N%` takes no block
struct control_open : kw_control {};
struct control_arm : if_must<control_open, control_percent, opt<at<punct<'{'>>, control_block>> {};
struct split_arms : star<sor<variant_arm, control_arm>> {};
struct split_open : kw_split {};
struct split_name : decl_name {};
struct split_step : if_must<split_open, split_name, punct<'{'>, split_arms, punct<'}'>> {};

struct let_open : kw_let {};
struct let_name : decl_name {};
struct let_step : if_must<let_open, let_name, punct<'='>, not_at<one<'='>>, expr> {};
struct set_target : postfix_expr {};
struct set_open : kw_set {};
struct set_step : if_must<set_open, set_target, punct<'='>, not_at<one<'='>>, expr> {};
struct goto_label : seq<sp, identifier> {};
struct goto_open : kw_goto {};
struct goto_step : if_must<goto_open, goto_label> {};
struct exit_step : kw_exit {};

struct step : sor<send_step, wait_step, if_step, split_step, let_step, set_step, goto_step,
                  exit_step> {};
struct labelled_step : seq<label_def, must<step>> {};
struct statement : sor<labelled_step, step> {};


// ---------------------------------------------------------------- settings

struct setting_where : if_must<kw_where, expr> {};
struct segment_ref : name_word {};
struct enter_open : kw_enter {};
struct on_enter : if_must<enter_open, sp, segment_ref> {};
struct at_open : kw_at {};
struct schedule_at : if_must<at_open, expr> {};
struct schedule_starting : if_must<kw_starting, expr> {};
struct every_open : kw_every {};
struct schedule_every : if_must<every_open, expr, schedule_starting> {};
struct schedule_kind : sor<schedule_at, schedule_every> {};
struct on_schedule : if_must<kw_schedule, schedule_kind> {};
struct setting_event : event_name {};
struct on_event : seq<setting_event, opt<setting_where>> {};
struct on_open : kw_on {};
struct on_kind : sor<on_enter, on_schedule, on_event> {};
struct on_setting : if_must<on_open, on_kind> {};

struct audience_open : kw_audience {};
struct audience_setting : if_must<audience_open, expr> {};
struct reentry_never : kw_never {};
struct reentry_always : kw_always {};
struct reentry_after : if_must<kw_after, expr> {};
struct reentry_open : kw_reentry {};
struct reentry_kind : sor<reentry_never, reentry_always, reentry_after> {};
struct reentry_setting : if_must<reentry_open, reentry_kind> {};
struct key_open : kw_key {};
struct key_setting : if_must<key_open, expr> {};
struct exit_on_open : kw_on {};
struct exit_on : if_must<exit_on_open, setting_event, opt<setting_where>> {};
struct exit_when_open : kw_when {};
struct exit_when : if_must<exit_when_open, expr> {};
struct exit_setting : seq<kw_exit, sor<exit_on, exit_when>> {};
struct limit_count : expr {};
struct limit_open : kw_limit {};
struct limit_setting : if_must<limit_open, limit_count, kw_per, expr> {};

struct quiet_start : seq<sp, time_of_day> {};
struct quiet_end : seq<sp, time_of_day> {};
struct quiet_tz : if_must<kw_in, tz_expr> {};
struct quiet_skip : if_must<kw_or, kw_skip> {};
struct quiet_hours : seq<quiet_start, punct<'-'>, quiet_end, opt<quiet_tz>, opt<quiet_skip>> {};
struct quiet_open : kw_quiet {};
struct quiet_setting : if_must<quiet_open, quiet_hours> {};

struct goal_within : if_must<kw_within, expr> {};
struct goal_open : kw_goal {};
struct goal_setting : if_must<goal_open, setting_event, opt<setting_where>, goal_within> {};

struct setting : sor<on_setting, audience_setting, reentry_setting, key_setting, exit_setting,
                     limit_setting, quiet_setting, goal_setting> {};

// ---------------------------------------------------------------- declarations

struct const_name : decl_name {};
struct const_decl : if_must<kw_const, const_name, punct<'='>, expr> {};
struct segment_name : decl_name {};
struct segment_decl : if_must<kw_segment, segment_name, punct<'='>, expr> {};

struct cap_count : expr {};
struct cap_channel : channel_name {};
struct policy_cap : if_must<kw_cap, cap_channel, cap_count, kw_per, expr> {};
struct policy_quiet_open : kw_quiet {};
struct policy_quiet : if_must<policy_quiet_open, quiet_hours> {};
struct policy_items : star<sor<policy_cap, policy_quiet>> {};
struct policy_open : kw_policy {};
struct policy_decl : if_must<policy_open, punct<'{'>, policy_items, punct<'}'>> {};

struct journey_item : sor<setting, statement> {};
struct journey_items : star<journey_item> {};
struct journey_name : decl_name {};
struct journey_decl : if_must<kw_journey, journey_name, punct<'{'>, journey_items, punct<'}'>> {};

struct end_of_file : seq<sp, eof> {};
struct unexpected_top : success {};  // no declaration starts here
struct declaration : sor<const_decl, segment_decl, policy_decl, journey_decl> {};
// One step of the top-level loop: the end of the file, or exactly one declaration.
struct top_item : sor<end_of_file, declaration, tao::pegtl::raise<unexpected_top>> {};
// The whole file, for grammar analysis: the parser drives top_item itself to recover.
struct file : seq<star<declaration>, end_of_file> {};

}  // namespace laud::grammar

// identifier_if consumes at least one character when it succeeds (for analyze<>).
template <typename Name, bool Reserved>
struct tao::pegtl::analyze_traits<Name, laud::grammar::identifier_if<Reserved>> : analyze_any_traits<> {};
