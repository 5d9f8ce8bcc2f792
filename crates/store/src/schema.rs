// One schema for both backends: portable types only (text ids, UTC
// `Timestamp`). Prepared in step with migrations/sqlite and migrations/postgres.

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    calendar_days (calendar, day) {
        calendar -> Text,
        day -> Date,
        change -> WireText,
        name -> Text,
        changed_by -> Nullable<Text>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    departments (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        function -> WireText,
        email -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    data_systems (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        description -> Text,
        department_id -> Text,
        processed_overseas -> Bool,
        created_at -> Timestamp,
        webhook_url -> Nullable<Text>,
        webhook_secret_nonce -> Nullable<Binary>,
        webhook_secret -> Nullable<Binary>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    data_categories (id) {
        id -> Text,
        code -> Text,
        system_id -> Text,
        name_ko -> Text,
        name_en -> Text,
        retention_basis -> WireText,
        retention_months -> Nullable<Integer>,
        legal_basis -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    staff_users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        role -> WireText,
        department_id -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        must_change_password -> Bool,
        active -> Bool,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
        totp_nonce -> Nullable<Binary>,
        totp_ciphertext -> Nullable<Binary>,
        totp_last_step -> Nullable<BigInt>,
        lang -> WireText,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    staff_grants (id) {
        id -> Text,
        staff_id -> Text,
        role -> WireText,
        department_id -> Nullable<Text>,
        active -> Bool,
        requested_by -> Text,
        requested_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    reference_counters (year) {
        year -> Integer,
        last_number -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    prolongations (id) {
        id -> Text,
        request_id -> Text,
        kind -> WireText,
        reasons -> Text,
        from_date -> Date,
        to_date -> Date,
        staff_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    reminders (request_id, step) {
        request_id -> Text,
        step -> Text,
        recipients -> Integer,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    requests (id) {
        id -> Text,
        reference -> Text,
        ref_year -> Integer,
        ref_number -> BigInt,
        kind -> WireText,
        status -> WireText,
        jurisdiction -> WireText,
        channel -> WireText,
        received_at -> Timestamp,
        due_date -> Nullable<Date>,
        on_behalf -> WireText,
        requester_name -> Text,
        requester_email -> Text,
        requester_email_key -> Text,
        requester_phone -> Nullable<Text>,
        subject_name -> Text,
        subject_email -> Text,
        subject_email_key -> Text,
        subject_phone -> Nullable<Text>,
        subject_phone_key -> Nullable<Text>,
        details -> Text,
        correction -> Nullable<Text>,
        verification_state -> WireText,
        verification_code_hash -> Nullable<Text>,
        verification_attempts -> Integer,
        verification_sent_at -> Nullable<Timestamp>,
        verified_at -> Nullable<Timestamp>,
        duplicate_of -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        lang -> WireText,
        verification_codes_sent -> Integer,
        subject_id -> Nullable<Text>,
        calendar -> Nullable<Text>,
        original_due_date -> Nullable<Date>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    request_messages (id) {
        id -> Text,
        request_id -> Text,
        author -> WireText,
        staff_id -> Nullable<Text>,
        body -> Text,
        document_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    request_categories (request_id, category_id) {
        request_id -> Text,
        category_id -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    request_tasks (id) {
        id -> Text,
        request_id -> Text,
        system_id -> Nullable<Text>,
        department_id -> Text,
        status -> WireText,
        assignee_id -> Nullable<Text>,
        outcome -> Nullable<WireText>,
        note -> Nullable<Text>,
        retained_until -> Nullable<Date>,
        retention_law -> Nullable<Text>,
        result_nonce -> Nullable<Binary>,
        result_ciphertext -> Nullable<Binary>,
        routing_rule_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    staff_sessions (id) {
        id -> Text,
        staff_id -> Text,
        role -> WireText,
        created_at -> Timestamp,
        renewed_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        end_reason -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    login_failures (id) {
        id -> Text,
        account_key -> Text,
        client_key -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    request_notes (id) {
        id -> Text,
        request_id -> Text,
        staff_id -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    request_search_terms (term, request_id) {
        term -> Text,
        request_id -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    routing_rules (id) {
        id -> Text,
        kind -> Nullable<WireText>,
        category_id -> Nullable<Text>,
        department_id -> Text,
        mode -> WireText,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    decisions (id) {
        id -> Text,
        request_id -> Text,
        outcome -> WireText,
        ground -> Nullable<WireText>,
        explanation -> Text,
        state -> WireText,
        decided_by -> Text,
        decided_at -> Timestamp,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        return_reason -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    documents (id) {
        id -> Text,
        request_id -> Text,
        purpose -> WireText,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        nonce -> Binary,
        ciphertext -> Binary,
        uploaded_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        task_id -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    holds (id) {
        id -> Text,
        request_id -> Text,
        identifier_key -> Text,
        identifier_scheme -> WireText,
        scope_all -> Bool,
        reason -> WireText,
        placed_at -> Timestamp,
        lifted_at -> Nullable<Timestamp>,
        lift_reason -> Nullable<Text>,
        note -> Nullable<Text>,
        placed_by -> Nullable<Text>,
        retained_until -> Nullable<Date>,
        retention_law -> Nullable<Text>,
        task_id -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    hold_categories (hold_id, category_id) {
        hold_id -> Text,
        category_id -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    hold_systems (hold_id, system_id) {
        hold_id -> Text,
        system_id -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    audit_actions (name) {
        name -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    audit_events (seq) {
        seq -> BigInt,
        id -> Text,
        request_id -> Nullable<Text>,
        actor_kind -> WireText,
        actor_id -> Nullable<Text>,
        action -> WireText,
        from_status -> Nullable<WireText>,
        to_status -> Nullable<WireText>,
        reason -> Nullable<Text>,
        at -> Timestamp,
        payload -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    email_outbox (id) {
        id -> Text,
        request_id -> Nullable<Text>,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        message_id -> Text,
        status -> WireText,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    service_tokens (id) {
        id -> Text,
        system_name -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::WireText;

    webhook_deliveries (id) {
        id -> Text,
        system_id -> Text,
        request_id -> Nullable<Text>,
        event_type -> WireText,
        body -> Text,
        status -> WireText,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(data_systems -> departments (department_id));
diesel::joinable!(webhook_deliveries -> data_systems (system_id));
diesel::joinable!(data_categories -> data_systems (system_id));
diesel::joinable!(staff_users -> departments (department_id));
diesel::joinable!(staff_grants -> staff_users (staff_id));
diesel::joinable!(request_categories -> requests (request_id));
diesel::joinable!(request_categories -> data_categories (category_id));
diesel::joinable!(request_tasks -> requests (request_id));
diesel::joinable!(request_tasks -> data_systems (system_id));
diesel::joinable!(request_tasks -> departments (department_id));
diesel::joinable!(request_tasks -> staff_users (assignee_id));
diesel::joinable!(documents -> requests (request_id));
diesel::joinable!(holds -> requests (request_id));
diesel::joinable!(hold_categories -> holds (hold_id));
diesel::joinable!(hold_categories -> data_categories (category_id));
diesel::joinable!(hold_systems -> holds (hold_id));
diesel::joinable!(hold_systems -> data_systems (system_id));
diesel::joinable!(request_messages -> requests (request_id));
diesel::joinable!(staff_sessions -> staff_users (staff_id));
diesel::joinable!(prolongations -> requests (request_id));
diesel::joinable!(request_notes -> requests (request_id));
diesel::joinable!(request_notes -> staff_users (staff_id));
diesel::joinable!(routing_rules -> departments (department_id));
diesel::joinable!(routing_rules -> data_categories (category_id));
diesel::joinable!(decisions -> requests (request_id));
diesel::joinable!(email_outbox -> requests (request_id));

diesel::allow_tables_to_appear_in_same_query!(
    webhook_deliveries,
    departments,
    data_systems,
    data_categories,
    staff_users,
    staff_grants,
    reference_counters,
    requests,
    request_messages,
    request_categories,
    request_tasks,
    documents,
    holds,
    hold_categories,
    hold_systems,
    audit_actions,
    calendar_days,
    prolongations,
    reminders,
    audit_events,
    audit_head,
    email_outbox,
    service_tokens,
    settings,
    staff_sessions,
    login_failures,
    request_notes,
    routing_rules,
    decisions,
    request_search_terms,
);
